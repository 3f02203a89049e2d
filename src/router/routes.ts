/**
 * The app's routes. Every view is a lazy chunk (precached by the service worker, so offline
 * navigation works). To add a screen: add one entry here with `meta.titleKey` pointing to a
 * translated title; the title, the announcement and the focus move follow automatically. Set
 * `meta.shellMessages` only if the screen uses nothing but the shell's message areas.
 */
import type { RouteRecordRaw } from 'vue-router'

// All help pages share one lazy chunk (one import in the entry, see HelpView).
const helpView = () => import('@/views/HelpView.vue')

export const routes: RouteRecordRaw[] = [
  {
    path: '/',
    name: 'home',
    component: () => import('@/views/HomeView.vue'),
    meta: { titleKey: 'nav.home', shellMessages: true },
  },
  {
    path: '/certificates',
    name: 'certificates',
    component: () => import('@/views/CertificatesView.vue'),
    meta: { titleKey: 'nav.certificates' },
    // The "expiring" e-mail and the reminders link to /certificates?renew=<serial>: open Renew.
    beforeEnter: (to) => (typeof to.query.renew === 'string' && /^[0-9a-fA-F]{2,64}$/.test(to.query.renew) ? { name: 'renew', params: { serial: to.query.renew.toLowerCase() } } : true),
  },
  { path: '/status', name: 'status', component: () => import('@/views/StatusView.vue'), meta: { titleKey: 'nav.status' } },
  { path: '/settings', name: 'settings', component: () => import('@/views/SettingsView.vue'), meta: { titleKey: 'nav.settings' } },
  { path: '/request/:step?', name: 'request', component: () => import('@/views/RequestView.vue'), meta: { titleKey: 'nav.request' } },
  {
    path: '/request/done/:id',
    name: 'request-done',
    component: () => import('@/views/RequestDoneView.vue'),
    meta: { titleKey: 'request.done.page_title' },
  },
  {
    path: '/status/:number',
    name: 'status-detail',
    component: () => import('@/views/StatusDetailView.vue'),
    meta: { titleKey: 'nav.status' },
  },
  {
    path: '/install/:number',
    name: 'install',
    component: () => import('@/views/InstallView.vue'),
    meta: { titleKey: 'install_certs.title' },
  },
  { path: '/signin', name: 'signin', component: () => import('@/views/SignInView.vue'), meta: { titleKey: 'nav.signin' } },
  { path: '/cabinet', name: 'cabinet', component: () => import('@/views/CabinetView.vue'), meta: { titleKey: 'nav.cabinet' } },
  { path: '/operator', name: 'operator', component: () => import('@/views/OperatorView.vue'), meta: { titleKey: 'nav.operator' } },
  {
    path: '/operator/applications/:number',
    name: 'operator-application',
    component: () => import('@/views/OperatorApplicationView.vue'),
    meta: { titleKey: 'operator.application.page_title' },
  },
  {
    path: '/operator/certificates',
    name: 'operator-certificates',
    component: () => import('@/views/OperatorCertificatesView.vue'),
    meta: { titleKey: 'operator.certificates.title' },
  },
  {
    path: '/certificates/renew/:serial',
    name: 'renew',
    component: () => import('@/views/RenewView.vue'),
    meta: { titleKey: 'renewal.title' },
  },
  {
    path: '/certificates/revoke/:certificateId/:step(reason|warning|confirm|done)?',
    name: 'revoke',
    component: () => import('@/views/RevokeView.vue'),
    meta: { titleKey: 'revoke.page_title' },
  },
  {
    path: '/get-certificate',
    name: 'start',
    component: () => import('@/views/StartView.vue'),
    meta: { titleKey: 'start.title' },
  },
  { path: '/help', name: 'help', component: helpView, meta: { titleKey: 'nav.help' } },
  { path: '/help/agent', name: 'help-agent', component: helpView, meta: { titleKey: 'help.agent.title' } },
  { path: '/help/storage', name: 'help-storage', component: helpView, meta: { titleKey: 'help.storage.title' } },
  { path: '/help/contacts', name: 'help-contacts', component: helpView, meta: { titleKey: 'help.contacts.title' } },
  { path: '/help/feedback', name: 'help-feedback', component: helpView, meta: { titleKey: 'help.feedback.title' } },
  { path: '/help/privacy', name: 'help-privacy', component: helpView, meta: { titleKey: 'help.privacy.title' } },
  { path: '/help/accessibility', name: 'help-accessibility', component: helpView, meta: { titleKey: 'help.accessibility.title' } },
  { path: '/centers', name: 'centers', component: () => import('@/views/CentersView.vue'), meta: { titleKey: 'centers.page.title' } },
  { path: '/sign', name: 'sign', component: () => import('@/views/SignView.vue'), meta: { titleKey: 'sign.title' } },
  // The phone's side of a hand-off (QR code or deep link; the secret is in the fragment).
  { path: '/handoff', name: 'handoff', component: () => import('@/views/HandoffView.vue'), meta: { titleKey: 'handoff.phone.page_title' } },
  {
    path: '/operator/centers',
    name: 'operator-centers',
    component: () => import('@/views/OperatorCentersView.vue'),
    meta: { titleKey: 'centers.operator.title' },
  },
  {
    path: '/authorize/:uid',
    name: 'authorize',
    component: () => import('@/views/AuthorizeView.vue'),
    meta: { titleKey: 'oidc.authorize.title' },
  },
  {
    path: '/operator/portals',
    name: 'operator-portals',
    component: () => import('@/views/OperatorOidcClientsView.vue'),
    meta: { titleKey: 'oidc.operator.title' },
  },
  { path: '/verify', name: 'verify', component: () => import('@/views/VerifyView.vue'), meta: { titleKey: 'verify.title' } },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { titleKey: 'not_found.title', shellMessages: true },
  },
]
