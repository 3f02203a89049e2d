/**
 * Every route of the Registration Center through `app.inject` (on PGlite, as
 * test/server/helpers/app.ts builds it): random JSON (wrong types, huge strings, deep arrays,
 * `__proto__` / `constructor` keys), bodies made of the domain's own fields with mutated CSRs and
 * login tokens, random path parameters and query strings, wrong content types, with and without
 * an operator session. Nothing may answer 5xx, and the OCSP endpoints may not answer
 * internalError for a request they could not parse.
 */
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import type { InjectOptions } from 'fastify'
import { startTestServer, type TestServer } from '../../server/helpers/app.ts'
import { opensslCsr } from '../../server/helpers/csr.ts'
import type { FuzzTarget } from '../invariants.ts'
import { mutants } from '../mutate.ts'
import type { Seeds } from '../seeds.ts'

interface Route {
  readonly method: string
  readonly url: string
}

interface AppInput {
  readonly route: number
  readonly params: readonly string[]
  readonly query: string
  readonly body: { kind: 'text'; text: string; type: string } | { kind: 'bytes'; bytes: Uint8Array; type: string } | { kind: 'none' }
  readonly operator: boolean
  readonly accessCode: string | null
}

/**
 * Routes from Fastify's own table, so a new route is fuzzed without listing it here. printRoutes
 * draws a tree ("├── /api/v1/applications (POST)", "│   └── /:number (GET, HEAD)"): a child's
 * segment continues its parent's path, its depth is the column of its branch divided by 4.
 */
function routesOf(s: TestServer): Route[] {
  const out: Route[] = []
  const stack: string[] = []
  for (const line of s.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?/.exec(line)
    if (!m) continue
    const depth = (m[1] as string).length / 4
    const path = (depth > 0 ? (stack[depth - 1] ?? '') : '') + (m[2] as string)
    stack[depth] = path
    stack.length = depth + 1
    for (const method of (m[3] ?? '').split(', ')) if (method && method !== 'HEAD' && method !== 'OPTIONS') out.push({ method, url: path })
  }
  return out
}

const IIN = '900101300017'
const SUBJECT = `/CN=ТЕСТОВ ТЕСТ/serialNumber=IIN${IIN}/C=KZ`
const FIELDS = ['cms', 'payload', 'iin', 'bin', 'region', 'profile', 'storage', 'requests', 'csr', 'purpose', 'reason', 'email', 'organization', 'role', 'number', 'serial', 'limit', 'offset', 'status', 'accessCode', 'phone', 'city', 'tokenChecked']
const EVIL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '']

function evilValue(seeds: Seeds): fc.Arbitrary<unknown> {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64')
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom('900101300017', '000740001307', 'KZ-75', 'individual', 'legal', 'file', 'token', 'auth', 'sign', 'keyCompromise', 1, 6, -1, 1e308, '', null, true, [], {}),
    fc.integer({ min: 0, max: 120_000 }).map((n) => 'A'.repeat(n)),
    fc.integer({ min: 1, max: 3000 }).map((d) => JSON.parse('['.repeat(d) + ']'.repeat(d)) as unknown),
    mutants(seeds.csrs).map((m) => b64(m.bytes)),
    mutants(seeds.login).map((m) => b64(m.bytes)),
    fc.constant(b64(seeds.csrs[0] as Uint8Array)),
  )
}

function objectBody(seeds: Seeds): fc.Arbitrary<unknown> {
  const value = evilValue(seeds)
  const entries = fc.array(fc.tuple(fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: fc.constantFrom(...EVIL_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }), value), { maxLength: 7 })
  const request = fc.array(fc.dictionary(fc.constantFrom('purpose', 'csr', '__proto__'), value, { maxKeys: 3 }), { maxLength: 3 })
  return fc.tuple(entries, fc.option(request)).map(([kv, reqs]) => {
    // JSON text, not an object literal: '__proto__' must arrive as an own key, as a hostile client sends it.
    const pairs = kv.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`)
    if (reqs) pairs.push(`"requests":${JSON.stringify(reqs)}`)
    return { raw: `{${pairs.join(',')}}` }
  })
}

export async function appTarget(seeds: Seeds): Promise<FuzzTarget<AppInput> & { readonly routes: readonly Route[] }> {
  const server = await startTestServer('pglite', { RATE_LIMIT_STATUS: '100000000', RATE_LIMIT_LOOKUP: '100000000', RATE_LIMIT_SUBMIT: '100000000' })
  const routes = routesOf(server)
  const cookie = await server.operatorCookie('700611300018', 'admin')
  // One real application, so numbers, access codes and the operator routes reach past "not found".
  const application = (over: Record<string, unknown>) => ({
    profile: 'individual', iin: IIN, email: 'fuzz@example.kz', region: 'KZ-75', city: 'Алматы', storage: 'file',
    requests: [{ purpose: 'auth', csr: opensslCsr('p256', SUBJECT).pem }, { purpose: 'sign', csr: opensslCsr('p256', SUBJECT).pem }],
    ...over,
  })
  const created = await server.app.inject({ method: 'POST', url: '/api/v1/applications', headers: { 'idempotency-key': randomUUID() }, payload: application({}) })
  if (created.statusCode !== 201) throw new Error(`the seed application was refused: ${created.body}`)
  const { number, accessCode } = created.json() as { number: string; accessCode: string }
  const template = application({})
  const param = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(number, '1', '0', '-1', 'A-000001', '9'.repeat(40), '%00', '..%2F..', 'ff'.repeat(20)), fc.nat().map(String))
  const body = fc.oneof(
    { weight: 6, arbitrary: objectBody(seeds).map((v) => ({ kind: 'text' as const, text: (v as { raw: string }).raw, type: 'application/json' })) },
    {
      // A valid application with one field replaced: the checks behind the schema get their turn.
      weight: 3,
      arbitrary: fc.tuple(fc.constantFrom(...Object.keys(template), ...EVIL_KEYS), evilValue(seeds)).map(([k, v]) => ({
        kind: 'text' as const,
        text: JSON.stringify({ ...template, [k]: v }),
        type: 'application/json',
      })),
    },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => ({ kind: 'text' as const, text: JSON.stringify(value) ?? 'null', type: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 200 }), fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', '')).map(([text, type]) => ({ kind: 'text' as const, text, type })) },
    { weight: 2, arbitrary: mutants(seeds.ocspRequests).map((m) => ({ kind: 'bytes' as const, bytes: m.bytes, type: 'application/ocsp-request' })) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  )
  const query = fc.oneof(fc.constant(''), fc.array(fc.tuple(fc.constantFrom('iin', 'serial', 'number', 'status', 'limit', 'offset', '__proto__', 'x'), fc.string({ maxLength: 30 })), { maxLength: 4 }).map((kv) => `?${kv.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`))
  const ocspGet = routes.findIndex((r) => r.method === 'GET' && r.url === '/ocsp/*')
  return {
    name: 'app',
    routes,
    inputs: fc.record({ route: fc.integer({ min: 0, max: routes.length - 1 }), params: fc.array(param, { minLength: 3, maxLength: 3 }), query, body, operator: fc.boolean(), accessCode: fc.option(fc.oneof(fc.constant(accessCode), fc.string({ maxLength: 20 }))) }),
    async attempt(input) {
      const route = routes[input.route] as Route
      let i = 0
      let url = route.url.replace(/:[A-Za-z]+|\*/g, () => encodeURIComponent(input.params[i++] ?? ''))
      if (input.route === ocspGet && input.body.kind === 'bytes') url = `/ocsp/${encodeURIComponent(Buffer.from(input.body.bytes).toString('base64'))}`
      const headers: Record<string, string> = { 'idempotency-key': randomUUID() }
      if (input.operator) headers.cookie = cookie
      if (input.accessCode !== null) headers['x-access-code'] = input.accessCode
      const opts: InjectOptions = { method: route.method as InjectOptions['method'], url: url + input.query, headers }
      if (route.method !== 'GET') {
        const b = input.body
        if (b.kind === 'text') Object.assign(opts, { payload: b.text, headers: { ...opts.headers, 'content-type': b.type } })
        else if (b.kind === 'bytes') Object.assign(opts, { payload: Buffer.from(b.bytes), headers: { ...opts.headers, 'content-type': b.type } })
      }
      const res = await server.app.inject(opts)
      const isOcsp = route.url.startsWith('/ocsp')
      // OCSPResponse { responseStatus internalError(2) }: the responder's 500.
      if (isOcsp && res.rawPayload.equals(Buffer.from([0x30, 0x03, 0x0a, 0x01, 0x02]))) return { kind: 'http', status: 500 }
      return { kind: 'http', status: res.statusCode }
    },
    close: () => server.close(),
  }
}
