/** Profile names in the current language (request.profiles.<id>). */
import { useI18n } from 'vue-i18n'

/** Returns a function giving the translated title of a profile id. */
export function useProfileTitle(): (id: string) => string {
  const { t, te } = useI18n()
  return (id) => (te(`request.profiles.${id}`) ? t(`request.profiles.${id}`) : id)
}
