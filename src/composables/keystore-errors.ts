/**
 * Turns keystore/pki errors into the sentence a person reads: `errors.<code>` in their language,
 * with the retry wait spelled out for ERR_RETRY_LATER / ERR_WRONG_PASSWORD.
 */
import { useI18n } from 'vue-i18n'

/** The stable code of an error (ERR_INTERNAL for anything untyped). */
export function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_') ? code : 'ERR_INTERNAL'
}

/** Seconds to wait before the next password attempt, when the error says so. */
export function retryAfterSeconds(e: unknown): number {
  const ms = (e as { details?: { retryAfterMs?: unknown } } | null)?.details?.retryAfterMs
  return typeof ms === 'number' && ms > 0 ? Math.ceil(ms / 1000) : 0
}

/** True for the GOST refusal, which gets its own notice with the agent route. */
export function isGostError(e: unknown): boolean {
  const error = e as { code?: string; details?: { algorithm?: unknown; gost?: unknown } } | null
  const gost = error?.details?.gost === true || error?.details?.algorithm === 'GOST'
  return error?.code === 'ERR_GOST_KEY' || (error?.code === 'ERR_UNSUPPORTED_ALGORITHM' && gost)
}

/** `message(e)`: the translated message for an error. */
export function useKeystoreErrors() {
  const { t, te } = useI18n()
  function message(e: unknown): string {
    const code = errorCode(e)
    const text = te(`errors.${code}`) ? t(`errors.${code}`) : t('errors.ERR_INTERNAL')
    const wait = retryAfterSeconds(e)
    return wait > 0 ? `${text} ${t('certificates.unlock.retry_in', { n: wait }, wait)}` : text
  }
  return { message }
}
