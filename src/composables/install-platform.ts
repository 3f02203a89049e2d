/**
 * How this device installs web apps. iOS has no install prompt: the user adds the app from
 * Safari's Share menu, so we show instructions instead.
 */

/** True on iPhone/iPad, including iPadOS that reports itself as a Mac. */
export function isIos(nav: Pick<Navigator, 'userAgent' | 'maxTouchPoints'> = navigator): boolean {
  return /iphone|ipad|ipod/i.test(nav.userAgent) || (/macintosh/i.test(nav.userAgent) && nav.maxTouchPoints > 1)
}

/** True when the app already runs installed (home screen / standalone window). */
export function isStandalone(win: Window = window): boolean {
  const iosStandalone = (win.navigator as Navigator & { standalone?: boolean }).standalone === true
  return iosStandalone || win.matchMedia('(display-mode: standalone)').matches || win.matchMedia('(display-mode: fullscreen)').matches
}
