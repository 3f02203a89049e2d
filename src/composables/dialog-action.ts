/**
 * The busy flag and problem message of a dialog form, and the one way its action runs: busy
 * while it runs, its failure turned into the message the form shows. Given the dialog's `open`,
 * it also starts every opening clean: no problem left from last time, the fields as new.
 */
import { ref, watch, type Ref } from 'vue'

/**
 * @param describe turns a thrown error into the sentence shown (e.g. `useErrorMessage({ retryWait: true }).message`).
 * @param open the dialog's open state; each time it opens, `error` is cleared and `reset` runs.
 * @param reset puts the dialog's own fields back to their first values.
 * @example
 * const name = ref('')
 * const { working, error, run } = useDialogAction(message, open, () => { name.value = '' })
 * await run(async () => { await store.rename(id, name.value); open.value = false })
 */
export function useDialogAction(describe: (e: unknown) => string, open?: Ref<boolean>, reset?: () => void) {
  const working = ref(false)
  const error = ref<string | null>(null)

  if (open) {
    watch(open, (isOpen) => {
      if (!isOpen) return
      error.value = null
      reset?.()
    })
  }

  /** Runs `action` with `working` set; a failure becomes `error` (through `onError` if given). */
  async function run(action: () => Promise<void>, onError: (e: unknown) => string | null = describe): Promise<void> {
    working.value = true
    try {
      await action()
    } catch (e) {
      error.value = onError(e)
    } finally {
      working.value = false
    }
  }

  return { working, error, run }
}
