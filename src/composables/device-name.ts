/**
 * "Firefox on Linux" from a User-Agent string: what the cabinet's list of sessions shows so a
 * person recognises their devices. Brand names stay as they are in every language; only the
 * phrase around them and "unknown" are translated. The parsing is src/core/user-agent.ts (the
 * server names devices the same way in the new-device e-mail).
 */
import { useI18n } from 'vue-i18n'
import { parseUserAgent } from '@/core/user-agent.ts'

export { parseUserAgent }

/** A translated device name for a User-Agent ("Chrome, Windows" / "Firefox on Linux"). */
export function useDeviceName() {
  const { t } = useI18n()
  return (userAgent: string | null | undefined): string => {
    const { browser, os } = parseUserAgent(userAgent)
    return t('cabinet.sessions.device', {
      browser: browser ?? t('cabinet.sessions.unknown_browser'),
      os: os ?? t('cabinet.sessions.unknown_os'),
    })
  }
}
