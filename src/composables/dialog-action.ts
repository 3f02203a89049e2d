/**
 * The busy flag and problem message of a dialog form, and the one way its action runs: busy
 * while it runs, its failure turned into the message the form shows.
 */
import { ref } from 'vue'

/**
 * @param describe turns a thrown error into the sentence shown (e.g. `useErrorMessage({ retryWait: true }).message`).
 * @example
 * const { working, error, run } = useDialogAction(message)
 * await run(async () => { await store.rename(id, name); open.value = false })
 */
export function useDialogAction(describe: (e: unknown) => string) {
  const working = ref(false)
  const error = ref<string | null>(null)

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
