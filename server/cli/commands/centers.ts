/**
 * The registration-center directory from the command line: `centers list|add|update|deactivate`.
 * The same service as the operator console (server/centers/service.ts): the same field rules,
 * one transaction with its audit row per change, refusals printed with their stable code.
 */
import type { CenterText } from '../../../src/core/centers-wire.ts'
import { ApiError } from '../../errors.ts'
import { findCenter, listCenters } from '../../centers/queries.ts'
import { createCenter, deactivateCenter, updateCenter, type CenterPatch } from '../../centers/service.ts'
import { centerView } from '../../centers/views.ts'
import { requireString, type CliCommand, type CliOptions, type CliRunContext } from '../types.ts'

const CLI_ACTOR = `cli:${process.env.USER ?? 'unknown'}`
const LANGS = ['kk', 'ru', 'en'] as const
const TEXT_FIELDS = ['name', 'address', 'hours'] as const

/** --region, --name-kk … --hours-en, --phone, --map-url. */
const FIELD_OPTIONS: CliOptions = {
  region: { type: 'string' },
  phone: { type: 'string' },
  'map-url': { type: 'string' },
  ...Object.fromEntries(TEXT_FIELDS.flatMap((f) => LANGS.map((l) => [`${f}-${l}`, { type: 'string' as const }]))),
}
const FIELD_USAGE = '--region KZ-NN --name-kk … --name-ru … --name-en … --address-kk/-ru/-en … --hours-kk/-ru/-en … --phone … --map-url https://…'

const str = (ctx: CliRunContext, name: string) => (typeof ctx.values[name] === 'string' ? (ctx.values[name] as string) : undefined)

/**
 * The fields given as options. A text field is all three languages or none: with only some given,
 * the others are kept from `current` (an update) or left empty for the rules to refuse (an add).
 */
function fieldsFrom(ctx: CliRunContext, current?: Record<(typeof TEXT_FIELDS)[number], CenterText>): CenterPatch {
  const patch: { -readonly [K in keyof CenterPatch]: CenterPatch[K] } = {}
  const region = str(ctx, 'region')
  if (region !== undefined) patch.region = region
  for (const f of TEXT_FIELDS) {
    const given = LANGS.map((l) => str(ctx, `${f}-${l}`))
    if (given.every((v) => v === undefined)) continue
    const [kk, ru, en] = given.map((v, i) => v ?? current?.[f][LANGS[i]!] ?? '') as [string, string, string]
    patch[f] = { kk, ru, en }
  }
  const phone = str(ctx, 'phone')
  if (phone !== undefined) patch.phone = phone
  const mapUrl = str(ctx, 'map-url')
  if (mapUrl !== undefined) patch.mapUrl = mapUrl
  return patch
}

/** Runs a change; a refusal prints its code and the field it names, exit code 1. */
async function change(ctx: CliRunContext, task: () => Promise<{ id: string; active: boolean; name: CenterText }>, verb: string): Promise<number> {
  try {
    const c = await task()
    ctx.out(`center ${c.id} ${verb} (${c.active ? 'active' : 'inactive'}): ${c.name.ru}`)
    return 0
  } catch (e) {
    if (!(e instanceof ApiError)) throw e
    const d = e.details
    ctx.err(`refused (${e.code})${d.field ? `: field ${String(d.field)} — ${String(d.rule)}` : `: ${e.message}`}`)
    return 1
  }
}

export const commands: CliCommand[] = [
  {
    name: ['centers', 'list'],
    summary: 'List the registration centers (active ones; --all includes deactivated, --json prints the API shape)',
    usage: '[--all] [--json]',
    options: { all: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    async run(ctx) {
      const rows = await ctx.withDatabase((db) => listCenters(db, { activeOnly: ctx.values.all !== true }))
      if (ctx.values.json === true) {
        ctx.out(JSON.stringify(rows.map(centerView), null, 2))
        return
      }
      for (const r of rows) ctx.out(`${r.id.padEnd(20)} ${r.region}  ${r.active ? 'active  ' : 'inactive'}  ${r.name_ru} · ${r.hours_ru} · ${r.phone}`)
      if (rows.length === 0) ctx.out('no registration centers (add one with `qoltanba centers add …`)')
    },
  },
  {
    name: ['centers', 'add'],
    summary: 'Add a registration center (every field, in kk, ru and en)',
    usage: `--id <slug> ${FIELD_USAGE}`,
    options: { id: { type: 'string' }, ...FIELD_OPTIONS },
    async run(ctx) {
      const id = requireString(ctx, 'id')
      const f = fieldsFrom(ctx)
      const empty = { kk: '', ru: '', en: '' }
      return ctx.withDatabase((db) =>
        change(ctx, () => createCenter(db, { id, region: f.region ?? '', name: f.name ?? empty, address: f.address ?? empty, hours: f.hours ?? empty, phone: f.phone ?? '', mapUrl: f.mapUrl ?? '' }, CLI_ACTOR), 'added'),
      )
    },
  },
  {
    name: ['centers', 'update'],
    summary: 'Change fields of a registration center (only those given; --activate reactivates a deactivated one)',
    usage: `--id <slug> [${FIELD_USAGE}] [--activate]`,
    options: { id: { type: 'string' }, activate: { type: 'boolean', default: false }, ...FIELD_OPTIONS },
    async run(ctx) {
      const id = requireString(ctx, 'id')
      return ctx.withDatabase(async (db) => {
        const current = await findCenter(db, id)
        const patch: CenterPatch = { ...fieldsFrom(ctx, current ? centerView(current) : undefined), ...(ctx.values.activate === true ? { active: true } : {}) }
        return change(ctx, () => updateCenter(db, id, patch, CLI_ACTOR), 'updated')
      })
    },
  },
  {
    name: ['centers', 'deactivate'],
    summary: 'Deactivate a registration center (applicants can no longer choose it; existing applications keep it)',
    usage: '--id <slug>',
    options: { id: { type: 'string' } },
    async run(ctx) {
      const id = requireString(ctx, 'id')
      return ctx.withDatabase((db) => change(ctx, () => deactivateCenter(db, id, CLI_ACTOR), 'deactivated'))
    },
  },
]
