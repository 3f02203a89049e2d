/**
 * The password rule (password-rules.ts) for a form: a verdict that follows what is typed (for the
 * strength meter and its advice) and `problemFor()` that a form awaits on submit, giving the
 * translated reason with the estimator's warning, or null when the password is accepted.
 */
import { computed, ref, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { judgePassword, type PasswordVerdict } from './password-rules.ts'

/** How long typing must pause before the estimator runs again (it takes a few ms per password). */
const SETTLE_MS = 150

export function usePasswordCheck(password?: () => string, userInputs: () => readonly string[] = () => []): {
  verdict: Ref<PasswordVerdict | null>
  advice: Readonly<Ref<string[]>>
  problemFor: (candidate: string) => Promise<string | null>
} {
  const { t } = useI18n()
  const verdict = ref<PasswordVerdict | null>(null)
  let latest = 0
  let timer: ReturnType<typeof setTimeout> | undefined

  if (password) {
    watch(password, (value) => {
      clearTimeout(timer)
      const ticket = ++latest
      if (!value) {
        verdict.value = null
        return
      }
      timer = setTimeout(() => {
        void judgePassword(value, userInputs()).then((v) => {
          // An older estimate must not overwrite a newer one.
          if (ticket === latest) verdict.value = v
        })
      }, SETTLE_MS)
    }, { immediate: true })
  }

  /** The estimator's warning and suggestions in the current language. */
  const advice = computed(() => {
    const v = verdict.value
    if (!v) return []
    return [
      ...(v.warning ? [t(`password.warnings.${v.warning}`)] : []),
      ...v.suggestions.map((s) => t(`password.suggestions.${s}`)),
    ]
  })

  async function problemFor(candidate: string): Promise<string | null> {
    const v = await judgePassword(candidate, userInputs())
    if (!v.problem) return null
    const reason = t(`password.problems.${v.problem}`)
    return v.warning && v.problem !== 'too_short' ? `${reason} ${t(`password.warnings.${v.warning}`)}` : reason
  }

  return { verdict, advice, problemFor }
}
