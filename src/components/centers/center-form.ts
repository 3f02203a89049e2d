/**
 * The console form's fields: the draft a center is edited as, the control id of each field the
 * rules name (`name.kk` → `center-name-kk`), and its translated label, so the summary, the
 * inline errors and a refusal from the server all point at the same control.
 */
import { useI18n } from 'vue-i18n'
import { CENTER_LANGUAGES, CENTER_TEXT_FIELDS, type CenterFields, type CenterText, type RegistrationCenter } from '@/core/centers-wire.ts'

/** Every field as text, as the form edits it. */
export interface CenterDraft {
  id: string
  region: string
  name: { kk: string; ru: string; en: string }
  address: { kk: string; ru: string; en: string }
  hours: { kk: string; ru: string; en: string }
  phone: string
  mapUrl: string
}

const copy = (t: CenterText) => ({ kk: t.kk, ru: t.ru, en: t.en })

/** A draft of `center`, or an empty one for a new center. */
export function draftOf(center?: RegistrationCenter): CenterDraft {
  const empty = () => ({ kk: '', ru: '', en: '' })
  return center
    ? { id: center.id, region: center.region, name: copy(center.name), address: copy(center.address), hours: copy(center.hours), phone: center.phone, mapUrl: center.mapUrl }
    : { id: '', region: '', name: empty(), address: empty(), hours: empty(), phone: '', mapUrl: '' }
}

/** The fields of a draft that differ from `center` (an update sends only those). */
export function changesOf(draft: CenterDraft, center: RegistrationCenter): Partial<Omit<CenterFields, 'id' | 'active'>> {
  const out: Record<string, unknown> = {}
  if (draft.region !== center.region) out.region = draft.region
  for (const f of CENTER_TEXT_FIELDS) if (CENTER_LANGUAGES.some((l) => draft[f][l] !== center[f][l])) out[f] = { ...draft[f] }
  if (draft.phone !== center.phone) out.phone = draft.phone
  if (draft.mapUrl !== center.mapUrl) out.mapUrl = draft.mapUrl
  return out
}

/** The control id of a rule's field name. */
export function controlId(field: string): string {
  return `center-${field.replace('.', '-').replace('mapUrl', 'map-url')}`
}

/** The translated label of a rule's field name ("Name (in Kazakh)"). */
export function useFieldLabel(): (field: string) => string {
  const { t } = useI18n()
  return (field) => {
    const [base, lang] = field.split('.') as [string, string | undefined]
    const key = base === 'mapUrl' ? 'map_url' : base
    const label = t(`centers.form.${key}`)
    return lang ? `${label} (${t(`centers.form.lang.${lang}`)})` : label
  }
}
