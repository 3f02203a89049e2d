/**
 * The service's support contacts, in one place: the footer's feedback link, the contacts page and
 * the accessibility statement all read them here. A deployment sets its own at build time
 * (`VITE_SUPPORT_EMAIL`, `VITE_SUPPORT_PHONE`); the defaults are placeholders on a reserved
 * domain (RFC 2606 `.example`) and an all-zero number, so an unconfigured build is obvious.
 */

/** Support e-mail address. */
export const SUPPORT_EMAIL: string = import.meta.env.VITE_SUPPORT_EMAIL || 'support@qoltanba.example'

/** Support phone number, as people dial it. */
export const SUPPORT_PHONE: string = import.meta.env.VITE_SUPPORT_PHONE || '+7 (700) 000-00-00'

/** `tel:` form of the support phone (digits and the leading +). */
export const SUPPORT_PHONE_HREF = `tel:${SUPPORT_PHONE.replace(/[^\d+]/g, '')}`

/**
 * A `mailto:` link to support with the subject filled in.
 *
 * @example supportMailto('Qoltanba: feedback') // 'mailto:support@qoltanba.example?subject=Qoltanba%3A%20feedback'
 */
export function supportMailto(subject: string): string {
  return `mailto:${SUPPORT_EMAIL}?subject=${encodeURIComponent(subject)}`
}
