/**
 * The browser and operating system named by a User-Agent ("Firefox", "Linux"): how the cabinet's
 * list of sessions names a device, and what a device is for the server's "sign-in from a new
 * device" e-mail (server/mail/new-device.ts), so the message names it as the cabinet does. Order
 * matters: Edge, Opera and Yandex also say "Chrome", Chrome also says "Safari".
 */

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
