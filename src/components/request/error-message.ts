/** Translated text for anything thrown: `errors.<code>` when known, the generic message otherwise. */
export function errorMessage(e: unknown, t: (key: string) => string, te: (key: string) => boolean): string {
  const code = (e as { code?: unknown } | null)?.code
  if (typeof code === 'string' && te(`errors.${code}`)) return t(`errors.${code}`)
  return t('errors.ERR_INTERNAL')
}

/** The error code of anything thrown (ERR_INTERNAL when it has none). */
export function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : 'ERR_INTERNAL'
}
