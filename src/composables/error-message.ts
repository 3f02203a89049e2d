/**
 * The one way an error becomes the sentence a person reads: `errors.<code>` in their language,
 * `errors.ERR_INTERNAL` for anything without a known code. An area may ask for what its errors
 * carry besides the code: the wait before the next password attempt (keystore: ERR_WRONG_PASSWORD,
 * ERR_RETRY_LATER with `details.retryAfterMs`) or the attempts left (agents: a token PIN, the
 * pairing code).
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

/** Attempts left reported with an error (token PIN or pairing), if any. */
export function attemptsLeft(e: unknown): number | undefined {
  const n = (e as { details?: { attemptsLeft?: unknown } } | null)?.details?.attemptsLeft
  return typeof n === 'number' ? n : undefined
}

/** What {@link useErrorMessage}'s `message` adds to the sentence of the code. */
export interface ErrorMessageOptions {
  /** "Try again in n s" after a wrong password (keystore). */
  readonly retryWait?: boolean
  /** Attempts left (or "few left") after a wrong PIN or pairing code (agents). */
  readonly attemptsLeft?: boolean
}

/**
 * `text(code)`: the sentence for a code (from a stored record or a server answer);
 * `message(e)`: the sentence for anything thrown, with what `options` asks for.
 * @example
 * const { message } = useErrorMessage({ retryWait: true })
 * const { working, error, run } = useDialogAction(message)
 */
export function useErrorMessage(options: ErrorMessageOptions = {}) {
  const { t, te } = useI18n()

  function text(code: string | null | undefined): string {
    return code && te(`errors.${code}`) ? t(`errors.${code}`) : t('errors.ERR_INTERNAL')
  }

  function message(e: unknown): string {
    const code = errorCode(e)
    const sentence = text(code)
    if (options.retryWait) {
      const wait = retryAfterSeconds(e)
      if (wait > 0) return `${sentence} ${t('certificates.unlock.retry_in', { n: wait }, wait)}`
    }
    if (options.attemptsLeft) {
      const left = attemptsLeft(e)
      if (code === 'ERR_WRONG_PIN') {
        if (left !== undefined) return `${sentence} ${t('agents.pin.attempts_left', { n: left }, left)}`
        if ((e as { details?: { pinCountLow?: unknown } }).details?.pinCountLow === true) return `${sentence} ${t('agents.pin.count_low')}`
      }
      if (code === 'ERR_PAIRING_FAILED' && left !== undefined && left > 0) return `${sentence} ${t('agents.pairing.attempts_left', { n: left }, left)}`
    }
    return sentence
  }

  return { text, message }
}
