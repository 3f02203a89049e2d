/**
 * Registration centers as they travel between server/centers and src/api, and the one set of
 * rules for a center's fields: the server refuses what these rules refuse (ERR_CENTER_INVALID
 * with `details.field` and `details.rule`), and the operator console checks the same rules before
 * sending, so both sides name the same field and rule. Plain data and pure functions only.
 */

/** Text in the product's three languages. */
export interface CenterText {
  readonly kk: string
  readonly ru: string
  readonly en: string
}

/** One registration center (GET /api/v1/centers lists the active ones). */
export interface RegistrationCenter {
  /** Stable slug, e.g. `astana-1`; applications refer to it. */
  readonly id: string
  /** ISO 3166-2 code of the region (KZ-71 …). */
  readonly region: string
  readonly name: CenterText
  readonly address: CenterText
  /** Opening hours as people read them ("Mon–Fri 09:00–18:00"). */
  readonly hours: CenterText
  readonly phone: string
  /** An https:// link to the place on a map. */
  readonly mapUrl: string
  readonly active: boolean
  /** ISO timestamp of the last change. */
  readonly updatedAt: string
}

/** The editable fields (create takes all of them, an update any subset but `id`). */
export type CenterFields = Omit<RegistrationCenter, 'updatedAt'>

export const CENTER_LANGUAGES = ['kk', 'ru', 'en'] as const
export const CENTER_TEXT_FIELDS = ['name', 'address', 'hours'] as const

/** Limits of the fields (the database columns are text; these keep the directory readable). */
export const CENTER_LIMITS = { id: 64, name: 200, address: 300, hours: 200, phone: 32, mapUrl: 500 } as const

export const CENTER_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/
/** Digits with the separators people write: +7 (7172) 55-01-01. */
export const CENTER_PHONE_PATTERN = /^\+?[0-9][0-9 ()-]{4,30}$/

/** Why a field was refused; the console shows `centers.form.rules.<rule>`. */
export type CenterRule = 'required' | 'too_long' | 'pattern' | 'https' | 'unknown_region'

/** One refused field: `name.kk`, `phone`, `mapUrl`, … */
export interface CenterProblem {
  readonly field: string
  readonly rule: CenterRule
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' && url.hostname.length > 0 && !url.username && !url.password
  } catch {
    return false
  }
}

function checkText(problems: CenterProblem[], field: string, value: unknown, max: number): void {
  if (typeof value !== 'string' || value.trim() === '') problems.push({ field, rule: 'required' })
  else if (value.trim().length > max) problems.push({ field, rule: 'too_long' })
}

/**
 * The problems of a center's fields, in form order; empty when it may be stored. Only the fields
 * present are checked when `partial` (an update), every field otherwise (a creation).
 */
export function centerProblems(input: Partial<Record<keyof CenterFields, unknown>>, regions: readonly string[], partial = false): CenterProblem[] {
  const problems: CenterProblem[] = []
  const has = (k: keyof CenterFields) => !partial || input[k] !== undefined
  if (has('id')) {
    checkText(problems, 'id', input.id, CENTER_LIMITS.id)
    if (typeof input.id === 'string' && input.id.trim() && !CENTER_ID_PATTERN.test(input.id.trim())) problems.push({ field: 'id', rule: 'pattern' })
  }
  if (has('region') && (typeof input.region !== 'string' || !regions.includes(input.region))) {
    problems.push({ field: 'region', rule: input.region ? 'unknown_region' : 'required' })
  }
  for (const key of CENTER_TEXT_FIELDS) {
    if (!has(key)) continue
    const text = (input[key] ?? {}) as Partial<Record<string, unknown>>
    for (const lang of CENTER_LANGUAGES) checkText(problems, `${key}.${lang}`, text[lang], CENTER_LIMITS[key])
  }
  if (has('phone')) {
    checkText(problems, 'phone', input.phone, CENTER_LIMITS.phone)
    if (typeof input.phone === 'string' && input.phone.trim() && !CENTER_PHONE_PATTERN.test(input.phone.trim())) problems.push({ field: 'phone', rule: 'pattern' })
  }
  if (has('mapUrl')) {
    checkText(problems, 'mapUrl', input.mapUrl, CENTER_LIMITS.mapUrl)
    if (typeof input.mapUrl === 'string' && input.mapUrl.trim() && !isHttpsUrl(input.mapUrl.trim())) problems.push({ field: 'mapUrl', rule: 'https' })
  }
  return problems.filter((p, i) => problems.findIndex((q) => q.field === p.field) === i)
}

/** The text in `language`, falling back to Kazakh then Russian (never empty for a stored center). */
export function centerText(text: CenterText, language: string): string {
  return (text as unknown as Record<string, string | undefined>)[language] || text.kk || text.ru
}
