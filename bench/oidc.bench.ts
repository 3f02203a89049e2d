/**
 * Portal sign-in throughput: complete OpenID Connect code flows per second (authorize → the
 * certificate sign-in in the PWA: challenge → CMS → login → interaction login → resume with the
 * consent remembered → token with PKCE → userinfo), many flows in flight, next to the bare
 * certificate sign-in (challenge → CMS → login) measured in the same run against the same
 * listening server. Target: the OIDC flow at ≥ 30 % of bare sign-in throughput (it adds four
 * requests and several durable writes — interaction, session, grant, code, access token — to
 * sign-in's two requests; about 40 % is the ceiling). Prints where a flow's time goes, per step.
 *
 * Both sides run in this process (clients sign their CMS with WebCrypto here too), on embedded
 * PGlite, then on PostgreSQL when one answers at TEST_DATABASE_URL. Rates are wall-clock: on a
 * shared machine compare the ratio, not the absolute figures.
 */
import { createHash, randomBytes } from 'node:crypto'
import pg from 'pg'
import { signInWithKey } from '../server/cli/sign-in-client.ts'
import { importPrivateKey } from '../src/pki/private-key.ts'
import type { OperatorCertificate } from '../server/operators/credential.ts'
import { TEST_DATABASE_URL, type Engine } from '../test/server/helpers/database.ts'
import { startOidcServer, TestBrowser, walkInteraction, type OidcTestServer } from '../test/server/oidc/oidc-fixture.ts'

const CONCURRENCY = 32
const WARM_UP = 32
const FLOWS = 200
const CALLBACK = 'http://localhost:9/cb'
/** Demo registry persons (valid IINs). */
const PEOPLE = ['900101300017', '850315300019', '920722400013', '781104300019', '010203600014', '880530300013']

type Step = 'authorize' | 'sign-in' | 'interaction login' | 'resume' | 'token' | 'userinfo'
const STEPS: Step[] = ['authorize', 'sign-in', 'interaction login', 'resume', 'token', 'userinfo']

async function postgresAnswers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 1000 })
  try {
    await c.connect()
    await c.end()
    return true
  } catch {
    return false
  }
}

async function inFlight(count: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await task(next++)
    }),
  )
  return count / ((performance.now() - started) / 1000)
}

interface Person {
  readonly cert: OperatorCertificate
  readonly key: CryptoKey
}

async function bareSignIn(server: OidcTestServer, p: Person): Promise<void> {
  await signInWithKey({ baseUrl: server.issuer, fetch, privateKey: p.key, certificate: new Uint8Array(p.cert.der), chain: [new Uint8Array(server.ca.hierarchy.issuing.der)] })
}

/** One complete flow with the time of each step added to `times` (ms). */
async function oidcFlow(server: OidcTestServer, p: Person, times: Record<Step, number>): Promise<void> {
  const browser = new TestBrowser(server)
  const timed = async <T>(step: Step, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now()
    try {
      return await fn()
    } finally {
      times[step] += performance.now() - t0
    }
  }
  const verifier = randomBytes(32).toString('base64url')
  const challenge = createHash('sha256').update(verifier).digest('base64url')
  const auth = new URL(`${server.issuer}/oidc/auth`)
  for (const [k, v] of Object.entries({ client_id: 'bench-portal', response_type: 'code', redirect_uri: CALLBACK, scope: 'openid profile', code_challenge: challenge, code_challenge_method: 'S256', nonce: randomBytes(16).toString('base64url') })) {
    auth.searchParams.set(k, v)
  }
  const interaction = await timed('authorize', async () => new URL((await browser.fetch(auth.href)).headers.get('location')!, server.issuer))
  const uid = interaction.pathname.split('/')[2]!
  await timed('sign-in', () => browser.signIn(p.cert))
  const { json } = await timed('interaction login', () => browser.api('POST', `/api/v1/oidc/interactions/${uid}/login`, {}))
  const callback = await timed('resume', async () => new URL((await browser.fetch(json.redirectTo as string)).headers.get('location')!))
  const code = callback.searchParams.get('code')
  if (!code) throw new Error(`no code (consent not remembered?): ${callback.href}`)
  const tokens = (await timed('token', async () =>
    (
      await fetch(`${server.issuer}/oidc/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, client_id: 'bench-portal', code_verifier: verifier }),
      })
    ).json(),
  )) as { access_token: string; id_token: string }
  const info = await timed('userinfo', async () => (await fetch(`${server.issuer}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json())
  if (!(info as { sub?: string }).sub) throw new Error('no userinfo')
}

async function measure(engine: Engine): Promise<void> {
  const server = await startOidcServer(engine, { RATE_LIMIT_SUBMIT: '1000000', LOG_LEVEL: 'silent' })
  try {
    await server.addPortal({ clientId: 'bench-portal', redirectUris: [CALLBACK], scopes: ['openid', 'profile'] })
    const people: Person[] = []
    for (const iin of PEOPLE) {
      const cert = await server.person(iin)
      people.push({ cert, key: await importPrivateKey(cert.pkcs8, 'sign') })
      // The first visit gives (and remembers) consent; the measured flows find it remembered.
      await walkInteraction(new TestBrowser(server), `${server.issuer}/oidc/auth?client_id=bench-portal&response_type=code&redirect_uri=${encodeURIComponent(CALLBACK)}&scope=openid%20profile&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`, cert)
    }
    const person = (i: number) => people[i % people.length]!
    const times = Object.fromEntries(STEPS.map((s) => [s, 0])) as Record<Step, number>
    const scratch = Object.fromEntries(STEPS.map((s) => [s, 0])) as Record<Step, number>

    // Warm-up (JIT, caches, the provider's first build), then bare sign-in, OIDC, bare sign-in
    // again: the two sign-in runs bracket the OIDC run, so drift on a shared machine shows.
    await inFlight(WARM_UP, (i) => bareSignIn(server, person(i)))
    await inFlight(WARM_UP, (i) => oidcFlow(server, person(i), scratch))
    const signIn1 = await inFlight(FLOWS, (i) => bareSignIn(server, person(i)))
    const flows = await inFlight(FLOWS, (i) => oidcFlow(server, person(i), times))
    const signIn2 = await inFlight(FLOWS, (i) => bareSignIn(server, person(i)))
    const signIn = (signIn1 + signIn2) / 2
    console.info(
      `${engine.padEnd(8)} bare sign-in ${signIn.toFixed(0).padStart(5)}/s (${signIn1.toFixed(0)}, ${signIn2.toFixed(0)})   OIDC code flow ${flows.toFixed(0).padStart(5)}/s   ratio ${((100 * flows) / signIn).toFixed(0)} % (target ≥ 30 %)   ${CONCURRENCY} in flight`,
    )
    const total = STEPS.reduce((a, s) => a + times[s], 0)
    console.info(`         where a flow's time goes: ${STEPS.map((s) => `${s} ${((100 * times[s]) / total).toFixed(0)} % (${(times[s] / FLOWS).toFixed(1)} ms)`).join(', ')}`)
  } finally {
    await server.close()
  }
}

export async function run(): Promise<void> {
  await measure('pglite')
  if (await postgresAnswers()) await measure('postgres')
  else console.info(`postgres  skipped: nothing answers at ${TEST_DATABASE_URL}`)
}
