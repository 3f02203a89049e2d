/** The top-level sections shown in the header navigation and the menu. */
import type { MessageKey } from './meta.ts'

/** A link to a top-level screen. */
export interface Section {
  readonly to: string
  readonly labelKey: MessageKey
}

/** Always-visible sections (header on wide screens, menu everywhere). */
export const MAIN_SECTIONS: readonly Section[] = [
  { to: '/', labelKey: 'nav.home' },
  { to: '/certificates', labelKey: 'nav.certificates' },
  { to: '/status', labelKey: 'nav.status' },
  { to: '/settings', labelKey: 'nav.settings' },
]

/** Extra entries of the menu (actions that are also on the home page). */
export const MENU_EXTRA_SECTIONS: readonly Section[] = [
  { to: '/get-certificate', labelKey: 'nav.request' },
  { to: '/signin', labelKey: 'nav.signin' },
  { to: '/sign', labelKey: 'nav.sign' },
  { to: '/verify', labelKey: 'nav.verify' },
]
