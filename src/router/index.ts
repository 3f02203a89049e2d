/** The router: HTML5 history (the server and the service worker fall back to index.html). */
import { createRouter, createWebHistory } from 'vue-router'
import { routes } from './routes.ts'
import type { MessageKey } from './meta.ts'
import { ensureAllMessages } from '@/i18n/index.ts'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title (document title, announcement). */
    titleKey?: MessageKey
    /** The screen only uses the shell's message areas (see vite.config.ts), so it renders before the rest arrive. */
    shellMessages?: boolean
  }
}

/** Creates the router (one per app instance). */
export function createAppRouter() {
  const router = createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
  // Feature screens need every message area; the home page paints with the shell's alone.
  router.beforeEach(async (to) => {
    if (!to.meta.shellMessages) await ensureAllMessages()
  })
  return router
}
