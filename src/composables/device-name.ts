/**
 * "Firefox on Linux" from a User-Agent string: what the cabinet's list of sessions shows so a
 * person recognises their devices. Brand names stay as they are in every language; only the
 * phrase around them and "unknown" are translated. Order matters: Edge, Opera and Yandex also
 * say "Chrome", Chrome also says "Safari".
 */
import { useI18n } from 'vue-i18n'

const BROWSERS: ReadonlyArray<[RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bYaBrowser\//, 'Yandex Browser'],
  [/\b(?:OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\b(?:Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
]

const SYSTEMS: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
]

/** The browser and operating system named by a User-Agent; null parts are unknown. */
export function parseUserAgent(userAgent: string | null | undefined): { browser: string | null; os: string | null } {
  const ua = userAgent ?? ''
  const find = (table: ReadonlyArray<[RegExp, string]>) => table.find(([re]) => re.test(ua))?.[1] ?? null
  return { browser: find(BROWSERS), os: find(SYSTEMS) }
}

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
