/**
 * Hand-offs to the phone (issue 17) against bare certificate sign-ins, in the same run, on the
 * whole Registration Center (embedded PGlite, in-process requests: app.inject):
 * - throughput: hand-offs completed per second (register → phone open → phone result → desktop
 *   complete, i.e. four requests and the same login verification) with many in flight, next to
 *   bare sign-ins per second (challenge → login). Target: ≥ 35 % of the bare rate.
 * - latency: from the phone's "Sign" (its result POST) to the desktop's long-poll answering
 *   "signed"; p50 and p95. Target: p95 ≤ 300 ms on this machine.
 */
import { issueOperatorCertificate } from '../server/operators/credential.ts'
import { signCms } from '../src/pki/cms.ts'
import { importPrivateKey } from '../src/pki/private-key.ts'
import { startTestServer, type TestServer } from '../test/server/helpers/app.ts'

const ROUNDS = 200
const CONCURRENCY = 16
const LATENCY_SAMPLES = 60
const ORIGIN = 'http://localhost:8080'

interface Signer {
  readonly key: CryptoKey
  readonly der: Uint8Array
  readonly chain: Uint8Array[]
}

const cookieOf = (headers: Record<string, unknown>): string => {
  const raw = headers['set-cookie']
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  return list.map((c) => String(c).split(';')[0]!).filter((c) => !c.endsWith('=')).join('; ')
}

async function signFor(s: Signer, payload: Uint8Array): Promise<string> {
  return Buffer.from(await signCms({ data: payload, privateKey: s.key, certificate: s.der, chain: s.chain })).toString('base64')
}

async function bareSignIn(srv: TestServer, s: Signer): Promise<void> {
  const challenge = await srv.app.inject({ method: 'POST', url: '/api/v1/auth/challenge' })
  const cms = await signFor(s, new Uint8Array(Buffer.from(challenge.json().payload, 'base64')))
  const login = await srv.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { cms }, headers: { cookie: cookieOf(challenge.headers) } })
  if (login.statusCode !== 200) throw new Error(`login ${login.statusCode} ${login.body}`)
}

/** One hand-off; returns the ms from the phone's result POST to the desktop's long-poll answer. */
async function handoff(srv: TestServer, s: Signer): Promise<number> {
  const created = await srv.app.inject({ method: 'POST', url: '/api/v1/handoffs', headers: { origin: ORIGIN }, payload: { kind: 'sign-in', requester: { name: 'Bench' } } })
  const h = created.json() as { token: string; qr: string }
  const [id, secret] = new URL(h.qr).hash.slice(1).split('.') as [string, string]
  const opened = await srv.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/open`, payload: { secret } })
  const cms = await signFor(s, new Uint8Array(Buffer.from(opened.json().payload, 'base64')))
  const poll = srv.app.inject({ method: 'GET', url: `/api/v1/handoffs/${id}?after=opened`, headers: { 'x-handoff-token': h.token } })
  const signedAt = performance.now()
  const answer = await srv.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/result`, payload: { secret, cms } })
  if (answer.statusCode !== 204) throw new Error(`result ${answer.statusCode} ${answer.body}`)
  const state = await poll
  const latency = performance.now() - signedAt
  if (state.json().state !== 'signed') throw new Error(`state ${state.body}`)
  const done = await srv.app.inject({ method: 'POST', url: `/api/v1/handoffs/${id}/complete`, headers: { 'x-handoff-token': h.token, cookie: cookieOf(created.headers) } })
  if (done.statusCode !== 200) throw new Error(`complete ${done.statusCode} ${done.body}`)
  return latency
}

async function rate(rounds: number, concurrency: number, one: () => Promise<unknown>): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < rounds) await one()
    }),
  )
  return rounds / ((performance.now() - started) / 1000)
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

export async function run(): Promise<void> {
  const srv = await startTestServer('pglite', { RATE_LIMIT_SUBMIT: '1000000' })
  try {
    const cert = await issueOperatorCertificate(srv.t.db, srv.ca, srv.ctx.registry, { iin: '700611300018', actor: 'bench' })
    const s: Signer = { key: await importPrivateKey(cert.pkcs8, 'sign'), der: new Uint8Array(cert.der), chain: [new Uint8Array(srv.ca.hierarchy.issuing.der)] }
    // Warm-up (JIT, caches, the lazily built trust setup) for both paths.
    await rate(20, 4, () => bareSignIn(srv, s))
    await rate(20, 4, () => handoff(srv, s))

    const bare = await rate(ROUNDS, CONCURRENCY, () => bareSignIn(srv, s))
    const handoffs = await rate(ROUNDS, CONCURRENCY, () => handoff(srv, s))
    console.info(`bare sign-ins:  ${bare.toFixed(1)}/s (${CONCURRENCY} in flight)`)
    console.info(`hand-offs:      ${handoffs.toFixed(1)}/s (register → open → result → complete, ${CONCURRENCY} in flight)`)
    console.info(`ratio:          ${((handoffs / bare) * 100).toFixed(1)} % of bare sign-ins (target ≥ 35 %)`)

    // Latency one at a time: the phone's "Sign" to the desktop's update, without queueing behind others.
    const latencies: number[] = []
    for (let i = 0; i < LATENCY_SAMPLES; i++) latencies.push(await handoff(srv, s))
    latencies.sort((a, b) => a - b)
    console.info(`phone "Sign" → desktop update: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms (target p95 ≤ 300 ms)`)
  } finally {
    await srv.close()
  }
}
