/**
 * The hand-off routes (server/handoffs) with hostile input, past "not found": each input gets a
 * fresh hand-off of a chosen kind (sign-in, sign, application) at a chosen stage (waiting,
 * opened, declined), then one request — register of any kind, open, result, decline, complete,
 * the long-poll or the event stream — with the real id, secret and token or mutated / random
 * ones, and a body that is the step's valid body with one field replaced by a hostile value
 * (mutated CSRs and CMS, wrong types, huge strings, deep arrays, `__proto__`), random JSON, or
 * not JSON. Invariants besides judge()'s (no 5xx, no hang):
 * - every refusal is a 4xx whose body carries a stable `ERR_…` code;
 * - a refusal changes no row — the one documented exception: the phone's `result` refused by the
 *   decisive check moves an opened hand-off to `failed` with exactly the code it was answered;
 * - a refused registration adds no row.
 */
import fc from 'fast-check'
import { startTestServer, type TestServer } from '../../server/helpers/app.ts'
import { opensslCsr } from '../../server/helpers/csr.ts'
import { handoffDb } from '../../../server/handoffs/schema.ts'
import type { FuzzTarget, Verdict } from '../invariants.ts'
import { mutants } from '../mutate.ts'
import type { Seeds } from '../seeds.ts'

type Kind = 'sign-in' | 'sign' | 'application'
type Step = 'register' | 'open' | 'result' | 'decline' | 'complete' | 'poll' | 'events'
/** The real value, or a hostile one in its place. */
type Choice = { real: true } | { real: false; value: string }

interface HandoffInput {
  readonly kind: Kind
  readonly stage: 'waiting' | 'opened' | 'declined'
  readonly step: Step
  readonly id: Choice
  readonly secret: Choice
  readonly token: Choice | null
  readonly origin: 'own' | 'foreign' | 'none'
  /** Replaces a field of the step's valid body (a dotted path), or the whole body. */
  readonly body:
    | { kind: 'replace'; path: string; value: unknown }
    | { kind: 'json'; value: unknown }
    | { kind: 'text'; text: string; type: string }
    | { kind: 'valid' }
    /** The valid answer with its CMS, signature or one CSR (and the holder's CMS) replaced by mutants. */
    | { kind: 'mutant'; login: Uint8Array; cms: Uint8Array; csr: Uint8Array; which: 0 | 1; holder: boolean }
  readonly after: string
}

const ORIGIN = 'http://localhost:8080'
const IIN = '010203600014'
const STEPS: readonly Step[] = ['register', 'open', 'result', 'decline', 'complete', 'poll', 'events']
const EVIL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', '']

function evilValue(seeds: Seeds): fc.Arbitrary<unknown> {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64')
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(IIN, '000515500012', 'KZ-75', 'individual', 'legal_entity', 'P-256', 'RSA-2048', 'auth', 'sign', 'kk', 'sign-in', 'application', 1, -1, 1e308, '', null, true, [], {}),
    fc.stringMatching(/^[0-9]{12}$/),
    fc.integer({ min: 0, max: 120_000 }).map((n) => 'A'.repeat(n)),
    fc.integer({ min: 1, max: 3000 }).map((d) => JSON.parse('['.repeat(d) + ']'.repeat(d)) as unknown),
    mutants(seeds.csrs).map((m) => b64(m.bytes)),
    mutants(seeds.cms).map((m) => b64(m.bytes)),
    mutants(seeds.login).map((m) => b64(m.bytes)),
  )
}

/** A string like `real` with one character changed, cut or doubled, or anything else. */
function hostile(realLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom('%00', '..%2F..', 'A'.repeat(realLength), '_'.repeat(realLength), '-'.repeat(realLength + 1), 'ä'.repeat(realLength), '9'.repeat(400)),
    fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
  )
}
const choice = (realLength: number): fc.Arbitrary<Choice> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant({ real: true } as const) }, { weight: 1, arbitrary: hostile(realLength).map((value) => ({ real: false, value }) as const) })

/** Body paths each step's valid body has (dotted; numbers index arrays). */
const PATHS: Readonly<Record<Step, readonly string[]>> = {
  register: ['kind', 'requester', 'requester.name', 'documents', 'documents.0', 'documents.0.sha256', 'documents.0.size', 'documents.0.content', 'documents.0.preview', 'application', 'application.iin', 'application.kind', 'application.profile', 'application.bin', 'application.organization', 'application.email', 'application.region', 'application.registrationCenterId', 'application.algorithm', 'application.language', 'ttlSeconds', ...EVIL_KEYS, 'application.__proto__'],
  open: ['secret', ...EVIL_KEYS],
  result: ['secret', 'cms', 'signatures', 'signatures.0', 'requests', 'requests.0', 'requests.0.csr', 'requests.1.csr', 'requests.0.purpose', 'requests.1.purpose', 'requests.2', ...EVIL_KEYS],
  decline: ['secret', ...EVIL_KEYS],
  complete: ['secret'],
  poll: [],
  events: [],
}

/** `obj` with `path` set to `value`, as JSON text (so `__proto__` arrives as an own key). */
function replaced(obj: unknown, path: string, value: unknown): string {
  const parts = path.split('.')
  const walk = (node: unknown, i: number): string => {
    if (i === parts.length) return JSON.stringify(value) ?? 'null'
    const key = parts[i] as string
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      const items = [...node]
      while (items.length <= Number(key)) items.push(null)
      return `[${items.map((v, j) => (j === Number(key) ? walk(v, i + 1) : JSON.stringify(v) ?? 'null')).join(',')}]`
    }
    const o = node && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>) : {}
    const pairs = Object.entries(o).filter(([k]) => k !== key).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`)
    pairs.push(`${JSON.stringify(key)}:${walk(o[key], i + 1)}`)
    return `{${pairs.join(',')}}`
  }
  return walk(obj, 0)
}

const DOCUMENT = { name: 'a.txt', size: 3, sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', content: Buffer.from('abc').toString('base64') }
const APPLICATION = { kind: 'individual', profile: 'individual', iin: IIN, email: 'fuzz@example.kz', region: 'KZ-75', algorithm: 'P-256', language: 'ru' }
const registerBody = (kind: Kind) => ({ kind, requester: { name: 'Fuzz' }, ...(kind === 'sign' ? { documents: [DOCUMENT] } : {}), ...(kind === 'application' ? { application: APPLICATION } : {}) })

/** A row as comparable text: everything the hand-off holds. */
async function snapshot(s: TestServer, id: string): Promise<string> {
  const row = await handoffDb(s.t.db).selectFrom('handoffs').selectAll().where('id', '=', id).executeTakeFirst()
  return JSON.stringify(row ?? null, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))
}
const stateOf = async (s: TestServer, id: string) =>
  handoffDb(s.t.db).selectFrom('handoffs').select(['state', 'failure']).where('id', '=', id).executeTakeFirst()
const rowCount = async (s: TestServer) => Number((await handoffDb(s.t.db).selectFrom('handoffs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)

export async function handoffsTarget(seeds: Seeds): Promise<FuzzTarget<HandoffInput>> {
  const server = await startTestServer('pglite', { RATE_LIMIT_STATUS: '100000000', RATE_LIMIT_LOOKUP: '100000000', RATE_LIMIT_SUBMIT: '100000000' })
  // Real CSR pairs, so some answers pass every check (and later ones meet ERR_KEY_PENDING).
  const pairs = Array.from({ length: 4 }, () => [
    { purpose: 'auth', csr: opensslCsr('p256').der.toString('base64') },
    { purpose: 'sign', csr: opensslCsr('p256').der.toString('base64') },
  ])
  const inject = (method: 'GET' | 'POST', url: string, payload?: string, headers: Record<string, string> = {}) =>
    server.app.inject({ method, url, headers: { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(payload !== undefined ? { payload } : {}) })

  /** A fresh hand-off of `kind` at `stage`. */
  async function prepare(kind: Kind, stage: HandoffInput['stage']): Promise<{ id: string; secret: string; token: string }> {
    const r = await inject('POST', '/api/v1/handoffs', JSON.stringify(registerBody(kind)), { origin: ORIGIN })
    if (r.statusCode !== 201) throw new Error(`the seed hand-off was refused: ${r.body}`)
    const h = r.json() as { token: string; qr: string }
    const [id, secret] = new URL(h.qr).hash.slice(1).split('.') as [string, string]
    if (stage !== 'waiting') await inject('POST', `/api/v1/handoffs/${id}/open`, JSON.stringify({ secret }))
    if (stage === 'declined') await inject('POST', `/api/v1/handoffs/${id}/decline`, JSON.stringify({ secret }))
    return { id, secret, token: h.token }
  }

  const body = fc.oneof(
    { weight: 5, arbitrary: fc.tuple(fc.nat(), evilValue(seeds)).map(([i, value]) => ({ kind: 'replace' as const, path: String(i), value })) },
    { weight: 2, arbitrary: fc.constant({ kind: 'valid' as const }) },
    {
      weight: 3,
      arbitrary: fc
        .record({ login: mutants(seeds.login), cms: mutants(seeds.cms), csr: mutants(seeds.csrs), which: fc.constantFrom(0 as const, 1 as const), holder: fc.boolean() })
        .map((m) => ({ kind: 'mutant' as const, login: m.login.bytes, cms: m.cms.bytes, csr: m.csr.bytes, which: m.which, holder: m.holder })),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, value })) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 200 }), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', '')).map(([text, type]) => ({ kind: 'text' as const, text, type })) },
  )
  const inputs = fc.record({
    kind: fc.constantFrom<Kind>('sign-in', 'sign', 'application'),
    stage: fc.constantFrom('waiting' as const, 'opened' as const, 'opened' as const, 'declined' as const),
    step: fc.constantFrom(...STEPS),
    id: choice(22),
    secret: choice(43),
    token: fc.option(choice(43), { freq: 6 }),
    origin: fc.constantFrom('own' as const, 'own' as const, 'foreign' as const, 'none' as const),
    body,
    after: fc.oneof(fc.constantFrom('', 'waiting', 'opened', 'signed', 'failed', 'expired'), fc.string({ maxLength: 20 })),
  })

  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64')
  /** The phone's answer with mutated signed bytes in the places the decisive checks read. */
  function mutantAnswer(kind: Kind, secret: string, m: Extract<HandoffInput['body'], { kind: 'mutant' }>): unknown {
    if (kind === 'sign-in') return { secret, cms: b64(m.login) }
    if (kind === 'sign') return { secret, signatures: [b64(m.cms)] }
    const requests = (pairs[2] as Array<{ purpose: string; csr: string }>).map((r, i) => (i === m.which ? { ...r, csr: b64(m.csr) } : r))
    return { secret, requests, ...(m.holder ? { cms: b64(m.cms) } : {}) }
  }

  async function attempt(input: HandoffInput): Promise<Verdict> {
    const { step, kind } = input
    const paths = PATHS[step]
    const pick = (p: { kind: 'replace'; path: string }) => paths[Number(p.path) % Math.max(1, paths.length)] ?? 'secret'
    // A requester that follows a live hand-off with its real token waits for it by design (the
    // stream until a final state, the long-poll 25 s while the state is `after`): those follow a
    // declined one, and never with `after` naming the state it is in.
    const follows = (step === 'poll' || step === 'events') && input.token?.real === true
    const h = await prepare(kind, follows ? 'declined' : input.stage)
    const id = input.id.real ? h.id : input.id.value
    const secret = input.secret.real ? h.secret : input.secret.value
    const valid: unknown =
      step === 'register' ? registerBody(kind)
      : step === 'result' ? { secret, ...(kind === 'sign-in' ? { cms: Buffer.from(seeds.login[0] as Uint8Array).toString('base64') } : kind === 'sign' ? { signatures: [Buffer.from(seeds.cms[0] as Uint8Array).toString('base64')] } : { requests: pairs[input.secret.real ? 0 : 1] }) }
      : { secret }
    const b = input.body
    const text =
      b.kind === 'valid' ? JSON.stringify(valid)
      : b.kind === 'mutant' ? JSON.stringify(step === 'result' ? mutantAnswer(kind, secret, b) : valid)
      : b.kind === 'json' ? (JSON.stringify(b.value) ?? 'null')
      : b.kind === 'text' ? b.text
      : replaced(valid, pick(b), b.value)
    const headers: Record<string, string> = {}
    if (input.origin !== 'none') headers.origin = input.origin === 'own' ? ORIGIN : 'https://evil.example'
    if (input.token) headers['x-handoff-token'] = input.token.real ? h.token : input.token.value
    if (b.kind === 'text') headers['content-type'] = b.type
    const path = `/api/v1/handoffs/${encodeURIComponent(id)}`
    const before = await snapshot(server, h.id)
    const rowsBefore = await rowCount(server)
    const after = follows && input.after === 'declined' ? 'waiting' : input.after
    const url = step === 'register' ? '/api/v1/handoffs' : step === 'poll' ? `${path}?after=${encodeURIComponent(after)}` : step === 'events' ? `${path}/events` : `${path}/${step}`
    const res = await inject(step === 'poll' || step === 'events' ? 'GET' : 'POST', url, step === 'poll' || step === 'events' ? undefined : text, headers)
    if (res.statusCode >= 500) return { kind: 'http', status: res.statusCode }
    if (res.statusCode >= 400) {
      let code: unknown
      try {
        code = (res.json() as { error?: { code?: unknown } }).error?.code
      } catch {
        code = undefined
      }
      if (typeof code !== 'string' || !/^ERR_[A-Z0-9_]+$/.test(code)) return { kind: 'violation', why: `${step}: HTTP ${res.statusCode} without a stable code: ${res.body.slice(0, 200)}` }
      if (step === 'register') {
        if ((await rowCount(server)) !== rowsBefore) return { kind: 'violation', why: `a refused registration (${code}) added a row` }
      } else if ((await snapshot(server, h.id)) !== before) {
        const now = await stateOf(server, h.id)
        const documented = step === 'result' && input.stage === 'opened' && now?.state === 'failed' && now.failure === code
        if (!documented) return { kind: 'violation', why: `${step}: a refusal (${code}) changed the hand-off: ${before} → ${await snapshot(server, h.id)}` }
      }
    }
    return { kind: 'http', status: res.statusCode }
  }

  return { name: 'handoffs', inputs, attempt, close: () => server.close() }
}
