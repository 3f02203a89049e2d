import { createApp } from 'vue'
import { createI18n } from 'vue-i18n'
import kk from './i18n/locales/kk.json'
import App from './App.vue'

createApp(App).use(createI18n({ legacy: false, locale: 'kk', messages: { kk } })).mount('#app')
