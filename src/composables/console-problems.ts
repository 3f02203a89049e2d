/**
 * What the operator console's error summary lists: the one field problem of the form on screen,
 * else the operator store's last server error (translated). The queue, the certificate lookup and
 * the decision panel each showed this same pair; one home for it.
 */
import { computed, type ComputedRef, type Ref } from 'vue'
import { useOperatorStore } from '@/stores/operator.ts'
import { useErrorMessage } from './error-message.ts'
import type { FieldError } from './field-error.ts'

/**
 * @param fieldError the form's own message, or null.
 * @param field the id of the control it belongs to (the summary links there); a getter when the
 *   form on screen can change.
 */
export function useConsoleProblems(fieldError: Ref<string | null>, field: string | (() => string)): ComputedRef<FieldError[]> {
  const store = useOperatorStore()
  const { text } = useErrorMessage()
  return computed<FieldError[]>(() => {
    if (fieldError.value) return [{ message: fieldError.value, field: typeof field === 'string' ? field : field() }]
    return store.error ? [{ message: text(store.error) }] : []
  })
}
