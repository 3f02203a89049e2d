/**
 * Agent outcomes in words: the troubleshooting checklist for an unavailable agent (reference
 * docs/protocols.md#when-an-agent-does-not-answer: the page cannot tell the causes apart, so the list names them
 * all, most likely first) and whether an outcome was a cancel. Messages for agent errors, with
 * the attempts left, come from `useErrorMessage({ attemptsLeft: true })` (error-message.ts).
 */
import type { UnavailableReason } from '@/core/signer.ts'

/** i18n keys (under agents.unavailable) of the checklist lines for `reason`. */
export function checklistFor(reason: UnavailableReason | undefined): string[] {
  if (reason === 'insecure-context') return ['agents.unavailable.insecure_context']
  const lines = ['agents.unavailable.not_running', 'agents.unavailable.untrusted_certificate', 'agents.unavailable.permission', 'agents.unavailable.proxy']
  // Nothing at all within the timeout: a pending permission prompt is the likeliest cause.
  return reason === 'timeout' ? ['agents.unavailable.permission', ...lines.filter((l) => l !== 'agents.unavailable.permission')] : lines
}

/** True when the user cancelled (in the agent's window or with our Cancel): no error message. */
export function isCancel(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === 'ERR_USER_CANCELLED'
}
