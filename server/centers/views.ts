/**
 * A center between its row (one column per language) and its wire shape (src/core/centers-wire.ts):
 * the only place that knows both, so the API, the CLI and the audit rows show one shape.
 */
import type { CenterFields, CenterText, RegistrationCenter } from '../../src/core/centers-wire.ts'
import type { RegistrationCenterRow, RegistrationCentersTable } from '../db/schema.ts'

const text = (row: RegistrationCenterRow, field: 'name' | 'address' | 'hours'): CenterText => ({
  kk: row[`${field}_kk`],
  ru: row[`${field}_ru`],
  en: row[`${field}_en`],
})

/** The wire shape of a row. */
export function centerView(row: RegistrationCenterRow): RegistrationCenter {
  return {
    id: row.id,
    region: row.region,
    name: text(row, 'name'),
    address: text(row, 'address'),
    hours: text(row, 'hours'),
    phone: row.phone,
    mapUrl: row.map_url,
    active: row.active,
    updatedAt: new Date(row.updated_at).toISOString(),
  }
}

type EditableColumns = Omit<RegistrationCentersTable, 'id' | 'active' | 'created_at' | 'updated_at' | 'updated_by'>

/** Columns for the given (already checked) fields; text is trimmed, absent fields are left out. */
export function centerColumns(fields: Partial<Omit<CenterFields, 'id' | 'active'>>): Partial<EditableColumns> {
  const out: Partial<Record<keyof EditableColumns, string>> = {}
  if (fields.region !== undefined) out.region = fields.region
  for (const field of ['name', 'address', 'hours'] as const) {
    const value = fields[field]
    if (value === undefined) continue
    out[`${field}_kk`] = value.kk.trim()
    out[`${field}_ru`] = value.ru.trim()
    out[`${field}_en`] = value.en.trim()
  }
  if (fields.phone !== undefined) out.phone = fields.phone.trim()
  if (fields.mapUrl !== undefined) out.map_url = fields.mapUrl.trim()
  return out
}
