/** Region names in the current language (request.regions.KZ_71 …). */
import { useI18n } from 'vue-i18n'

/** Returns a function giving the translated name of an ISO 3166-2 region code. */
export function useRegionName(): (code: string) => string {
  const { t, te } = useI18n()
  return (code) => {
    const key = `request.regions.${code.replace('-', '_')}`
    return te(key) ? t(key) : code
  }
}
