/**
 * Keystore errors that get their own treatment: the GOST refusal, which gets its own notice with
 * the agent route. Messages for keystore errors, with the retry wait, come from
 * `useErrorMessage({ retryWait: true })` (error-message.ts).
 */

/** True for the GOST refusal, which gets its own notice with the agent route. */
export function isGostError(e: unknown): boolean {
  const error = e as { code?: string; details?: { algorithm?: unknown; gost?: unknown } } | null
  const gost = error?.details?.gost === true || error?.details?.algorithm === 'GOST'
  return error?.code === 'ERR_GOST_KEY' || (error?.code === 'ERR_UNSUPPORTED_ALGORITHM' && gost)
}
