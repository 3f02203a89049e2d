/**
 * Mounts the PWA's token components (src/components/agents) with the real agents store and the
 * real English messages, outside the app shell, so the e2e spec can drive them against the agent.
 */
import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { createI18n } from 'vue-i18n'
import en from '../../../src/i18n/locales/en.json'
import { cldrPluralRule } from '../../../src/i18n/plural.ts'
import AgentHarness from './AgentHarness.vue'

const i18n = createI18n({ legacy: false, locale: 'en', messages: { en }, pluralRules: { en: cldrPluralRule('en') } })
createApp(AgentHarness).use(createPinia()).use(i18n).mount('#app')
