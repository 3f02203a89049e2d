/**
 * In-page guards of a kiosk (complements the browser policies of docs/kiosk.md): no link leaves
 * the app, no new windows, no context menu, and the focused field stays visible above an
 * on-screen keyboard. Returns a function that removes them.
 */

/** Whether a link would leave the app: another origin, another scheme, or a new window. */
export function leavesApp(anchor: HTMLAnchorElement, origin: string = location.origin): boolean {
  const href = anchor.getAttribute('href')
  if (href === null) return false
  // File downloads made by the app itself (a .p12 handed to the applicant) are not navigations.
  if (anchor.hasAttribute('download') && /^(blob|data):/.test(anchor.href)) return false
  let url: URL
  try {
    url = new URL(anchor.href, origin)
  } catch {
    return true
  }
  if (url.origin !== origin) return true
  return anchor.target !== '' && anchor.target !== '_self'
}

const FIELD = 'input, textarea, select, [contenteditable="true"]'

/** Keeps a focused field in view (WCAG 2.4.11): after the keyboard opened and the viewport shrank. */
function keepVisible(el: Element): void {
  setTimeout(() => el.scrollIntoView({ block: 'center', behavior: 'auto' }), 250)
}

interface VirtualKeyboardLike extends EventTarget {
  overlaysContent: boolean
}

/** Installs the guards; `navigate` opens a same-origin path inside the app (the router). */
export function lockNavigation(navigate: (path: string) => void, doc: Document = document): () => void {
  const win = doc.defaultView ?? window
  const root = doc.documentElement
  root.classList.add('kiosk')
  // Chromium would offer to translate Kazakh pages.
  root.setAttribute('translate', 'no')

  const onClick = (event: MouseEvent) => {
    const anchor = (event.target as Element | null)?.closest?.('a')
    if (!anchor || !leavesApp(anchor, win.location.origin)) return
    event.preventDefault()
    const url = new URL(anchor.href, win.location.origin)
    // A same-origin page meant for a new window opens here instead.
    if (url.origin === win.location.origin) navigate(url.pathname + url.search + url.hash)
  }
  const onContextMenu = (event: Event) => {
    if (!(event.target as Element | null)?.closest?.(FIELD)) event.preventDefault()
  }
  const onFocusIn = (event: FocusEvent) => {
    const target = event.target as Element | null
    if (target?.matches?.(FIELD)) keepVisible(target)
  }
  const originalOpen = win.open
  win.open = () => null

  doc.addEventListener('click', onClick, true)
  doc.addEventListener('contextmenu', onContextMenu, true)
  doc.addEventListener('focusin', onFocusIn)

  // VirtualKeyboard API (Chromium, secure contexts): the keyboard overlays the page and CSS
  // reserves env(keyboard-inset-height); the focused field is scrolled above it.
  const keyboard = (win.navigator as Navigator & { virtualKeyboard?: VirtualKeyboardLike }).virtualKeyboard
  const onGeometry = () => {
    const active = doc.activeElement
    if (active?.matches(FIELD)) keepVisible(active)
  }
  if (keyboard) {
    keyboard.overlaysContent = true
    keyboard.addEventListener('geometrychange', onGeometry)
  }

  return () => {
    root.classList.remove('kiosk')
    root.removeAttribute('translate')
    win.open = originalOpen
    doc.removeEventListener('click', onClick, true)
    doc.removeEventListener('contextmenu', onContextMenu, true)
    doc.removeEventListener('focusin', onFocusIn)
    if (keyboard) {
      keyboard.overlaysContent = false
      keyboard.removeEventListener('geometrychange', onGeometry)
    }
  }
}
