/**
 * The app's routes. Every view is a lazy chunk (precached by the service worker, so offline
 * navigation works). To add a screen: add one entry here with `meta.titleKey` pointing to a
 * translated title; the title, the announcement and the focus move follow automatically.
 */
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('@/views/HomeView.vue'), meta: { titleKey: 'nav.home' } },
  {
    path: '/certificates',
    name: 'certificates',
    component: () => import('@/views/CertificatesView.vue'),
    meta: { titleKey: 'nav.certificates' },
  },
  { path: '/status', name: 'status', component: () => import('@/views/StatusView.vue'), meta: { titleKey: 'nav.status' } },
  { path: '/settings', name: 'settings', component: () => import('@/views/SettingsView.vue'), meta: { titleKey: 'nav.settings' } },
  { path: '/request', name: 'request', component: () => import('@/views/RequestView.vue'), meta: { titleKey: 'nav.request' } },
  { path: '/signin', name: 'signin', component: () => import('@/views/SignInView.vue'), meta: { titleKey: 'nav.signin' } },
  { path: '/operator', name: 'operator', component: () => import('@/views/OperatorView.vue'), meta: { titleKey: 'nav.operator' } },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { titleKey: 'not_found.title' },
  },
]
