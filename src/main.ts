/**
 * Entry point: the smallest possible first paint. Views, locales and (later) pkijs are lazy
 * chunks; only the chosen language's messages are awaited before mounting.
 */
import { createApp } from 'vue'
import App from './App.vue'
import { createAppPinia } from './stores/index.ts'
import { createAppRouter } from './router/index.ts'
import { ensureAllMessages, installI18n } from './i18n/index.ts'
import { captureInstallPrompt } from './composables/pwa-registration.ts'
import { reloadOnStaleChunk } from './composables/stale-chunk.ts'
import { afterFirstPaint } from './composables/after-paint.ts'
import './styles/main.css'

reloadOnStaleChunk()

const app = createApp(App)
const pinia = createAppPinia()
const router = createAppRouter()
app.use(pinia)
captureInstallPrompt()
await installI18n(app)
app.use(router)
await router.isReady()
app.mount('#app')
// The remaining messages once the page has painted (feature screens wait for them anyway).
afterFirstPaint(() => void ensureAllMessages())
// Applications waiting in the outbox are sent when the network is (or comes) back, on any screen.
afterFirstPaint(() => void import('./stores/applications.ts').then(({ useApplicationsStore }) => useApplicationsStore(pinia).listenForNetwork()))
