/**
 * Page changes in a single-page app are silent for screen readers. After each navigation we set
 * the document title, announce the page in the live region and move focus to the page heading
 * (not on the first load, where the browser's own focus handling is right).
 */
import { nextTick, watch } from 'vue'
import { useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import { useAppStore } from '@/stores/app.ts'

/** Selector of the element that receives focus after a navigation. */
export const PAGE_HEADING_SELECTOR = '#main h1'

/** Wires title, announcement and focus to the router. Call once, in the root component. */
export function useRouteAnnouncer(): void {
  const router = useRouter()
  const { t, locale } = useI18n({ useScope: 'global' })
  const app = useAppStore()

  const pageTitle = () => {
    const key = router.currentRoute.value.meta.titleKey
    return key ? t(key) : t('app.title')
  }
  const applyTitle = () => {
    const title = pageTitle()
    document.title = title === t('app.title') ? title : `${title} — ${t('app.title')}`
  }

  router.afterEach(async (to, from, failure) => {
    if (failure) return
    applyTitle()
    // The initial navigation (from START_LOCATION, no matched records) is not a page change.
    if (from.matched.length === 0 || to.path === from.path) return
    app.announce(t('a11y.page_loaded', { title: pageTitle() }))
    await nextTick()
    document.querySelector<HTMLElement>(PAGE_HEADING_SELECTOR)?.focus({ preventScroll: false })
  })
  watch(locale, applyTitle)
  void router.isReady().then(applyTitle)
}
