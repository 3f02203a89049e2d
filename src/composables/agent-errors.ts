/**
 * Agent outcomes in words: the translated message for an agent error (with the attempts left
 * that a token or the pairing reports), and the troubleshooting checklist for an unavailable
 * agent (reference agents-ncalayer-webeid.md §5: the page cannot tell the causes apart, so the
 * list names them all, most likely first).
 */
import { useI18n } from 'vue-i18n'
import type { UnavailableReason } from '@/agents/signer.ts'

/** i18n keys (under agents.unavailable) of the checklist lines for `reason`. */
export function checklistFor(reason: UnavailableReason | undefined): string[] {
  if (reason === 'insecure-context') return ['agents.unavailable.insecure_context']
  const lines = ['agents.unavailable.not_running', 'agents.unavailable.untrusted_certificate', 'agents.unavailable.permission', 'agents.unavailable.proxy']
  // Nothing at all within the timeout: a pending permission prompt is the likeliest cause.
  return reason === 'timeout' ? ['agents.unavailable.permission', ...lines.filter((l) => l !== 'agents.unavailable.permission')] : lines
}

/** Attempts left reported with an error (token PIN or pairing), if any. */
export function attemptsLeft(e: unknown): number | undefined {
  const n = (e as { details?: { attemptsLeft?: unknown } } | null)?.details?.attemptsLeft
  return typeof n === 'number' ? n : undefined
}

/** True when the user cancelled (in the agent's window or with our Cancel): no error message. */
export function isCancel(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'ERR_USER_CANCELLED'
}

/** `message(e)`: translated text for an agent error, with attempts left where known. */
export function useAgentErrors() {
  const { t, te } = useI18n()
  function message(e: unknown): string {
    const raw = (e as { code?: unknown } | null)?.code
    const code = typeof raw === 'string' && te(`errors.${raw}`) ? raw : 'ERR_INTERNAL'
    const text = t(`errors.${code}`)
    const left = attemptsLeft(e)
    if (code === 'ERR_WRONG_PIN') {
      if (left !== undefined) return `${text} ${t('agents.pin.attempts_left', { n: left }, left)}`
      if ((e as { details?: { pinCountLow?: unknown } }).details?.pinCountLow === true) return `${text} ${t('agents.pin.count_low')}`
    }
    if (code === 'ERR_PAIRING_FAILED' && left !== undefined && left > 0) return `${text} ${t('agents.pairing.attempts_left', { n: left }, left)}`
    return text
  }
  return { message }
}
