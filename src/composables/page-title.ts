/**
 * A page whose heading depends on its state (an application "sent" or "waiting to send") sets the
 * tab title from that state, so the title never contradicts the heading. The route's titleKey
 * (route-announcer.ts) is applied on navigation first; this runs after it and after every change
 * of the state or the language (flush: 'post').
 */
import { watchEffect } from 'vue'
import { useI18n } from 'vue-i18n'

/** Keeps `document.title` at "<title> — Qoltanba" while the calling component is mounted. */
export function usePageTitle(title: () => string): void {
  const { t } = useI18n()
  watchEffect(() => {
    document.title = `${title()} — ${t('app.title')}`
  }, { flush: 'post' })
}
