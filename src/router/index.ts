/** The router: HTML5 history (the server and the service worker fall back to index.html). */
import { createRouter, createWebHistory } from 'vue-router'
import { routes } from './routes.ts'
import type { MessageKey } from './meta.ts'

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title (document title, announcement). */
    titleKey?: MessageKey
  }
}

/** Creates the router (one per app instance). */
export function createAppRouter() {
  return createRouter({
    history: createWebHistory(import.meta.env.BASE_URL),
    routes,
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
  })
}
