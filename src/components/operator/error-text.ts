/** `errorText(code)`: the translated sentence for an error code (errors.<code>), ERR_INTERNAL otherwise. */
import { useI18n } from 'vue-i18n'

export function useErrorText() {
  const { t, te } = useI18n()
  return (code: string | null | undefined): string => (code && te(`errors.${code}`) ? t(`errors.${code}`) : t('errors.ERR_INTERNAL'))
}
