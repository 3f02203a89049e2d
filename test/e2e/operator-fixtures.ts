/**
 * A Registration Center of its own for the operator-console and revocation specs: a fresh
 * PostgreSQL database (TEST_DATABASE_URL's server) and DATA_DIR, a free port, the built PWA
 * (a copy of dist/, which playwright.config.ts's web server builds), an operator with a certificate
 * made with the CLI (`qoltanba operator create`) who signs in with it (`qoltanba operator sign-in`,
 * the same certificate sign-in the console uses) for the test's own API calls. Applications are
 * submitted with OpenSSL-made keys and CSRs, exactly as an outside client would.
 *
 * It is a worker fixture: started once per worker, shared by the specs that use it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { test as base } from './fixtures.ts'

export { expect, expectAccessible, pageHeading, type AppLocale } from './fixtures.ts'

const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
/** The operator the CLI adds for API calls (server/registry/demo-persons.json: БӨКЕЙХАНОВ ӘЛИХАН). */
export const OPERATOR_IIN = '700611300018'
/** The demo operator `npm start` creates with a sign-in certificate (server/operators/credential.ts). */
export const DEMO_OPERATOR_IIN = '920722400013'

/** An application submitted through the API, with the private keys OpenSSL made for it. */
export interface SubmittedApplication {
  readonly number: string
  readonly accessCode: string
  readonly iin: string
  /** PEM private keys by purpose. */
  readonly keys: { readonly auth: string; readonly sign: string }
}

/** An issued certificate (PEM) as GET /api/v1/applications/:number/certificates returns it. */
export interface IssuedCertificate {
  readonly serial: string
  readonly purpose: 'auth' | 'sign'
  readonly pem: string
}

export interface ConsoleServer {
  readonly url: string
  readonly port: number
  readonly dataDir: string
  /** The Cookie header of the operator's session, for API calls made by the test itself. */
  readonly operatorCookie: string
  /** The demo operator the server creates on first start: its .p12 (sign-in certificate), password and IIN. */
  readonly demoOperator: { readonly p12: string; readonly password: string; readonly iin: string }
  /**
   * Submits an individual's application with two fresh OpenSSL keys (RSA-2048 auth, P-256 sign),
   * declared as key files (or as on a hardware token, `storage: 'token'`, for a spec that then
   * writes the keys onto a SoftHSM2 token itself).
   */
  submit(iin: string, storage?: 'file' | 'token'): Promise<SubmittedApplication>
  /** Approves through the API (as a second desk would). */
  approve(number: string): Promise<void>
  /** The issued certificates and the chain (issuing CA first). */
  certificates(app: SubmittedApplication): Promise<{ certificates: IssuedCertificate[]; chain: string[] }>
  /** GET with the operator's session. */
  operatorGet<T>(path: string): Promise<T>
  /** Writes a .p12 of one issued certificate and its key (OpenSSL, AES-256), returns its path. */
  pkcs12(app: SubmittedApplication, purpose: 'auth' | 'sign', password: string): Promise<string>
  /** Writes a CA certificate of the hierarchy (PEM) and returns its path. */
  caFile(name: 'root' | 'issuing' | 'ocsp'): Promise<string>
  /** Runs `qoltanba <args>` on this server's database and DATA_DIR; returns what it printed. */
  cli(args: string[]): string
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

function cli(env: NodeJS.ProcessEnv, args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString('utf8').trim()
}

/** `openssl req -new -newkey … -nodes`: a key and its CSR naming the IIN like NCA's requests do. */
function opensslRequest(dir: string, name: string, newkey: string[], iin: string): { key: string; csr: string } {
  const key = join(dir, `${name}.key`)
  const csr = join(dir, `${name}.csr`)
  execFileSync('openssl', ['req', '-new', ...newkey, '-nodes', '-keyout', key, '-out', csr, '-subj', `/serialNumber=IIN${iin}/C=KZ`, '-sha256'], { stdio: 'pipe' })
  return { key: readFileSync(key, 'utf8'), csr: readFileSync(csr, 'utf8') }
}

/** A console server of its own (the shared one is the `consoleServer` fixture); `extraEnv` sets its policy, e.g. RENEWAL_WINDOW_DAYS. */
export async function startConsoleServer(extraEnv: NodeJS.ProcessEnv = {}): Promise<ConsoleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qoltanba-console-'))
  // A private copy of the build: another run rebuilding dist/ must not change the app mid-test.
  // QOLTANBA_E2E_SOURCE_DIST names another build to copy, as for the shared server (serve.ts).
  const distDir = join(dataDir, 'dist')
  cpSync(process.env.QOLTANBA_E2E_SOURCE_DIST ?? 'dist', distDir, { recursive: true })
  const dbName = `qt_console_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  await admin.query(`create database ${dbName}`)
  await admin.end()
  const dbUrl = new URL(TEST_DATABASE_URL)
  dbUrl.pathname = `/${dbName}`
  const port = await freePort()
  const url = `http://localhost:${port}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DIST_DIR: distDir,
    DATA_DIR: dataDir,
    DATABASE_URL: dbUrl.toString(),
    PUBLIC_URL: url,
    LOG_LEVEL: 'warn',
    // A P-256 development CA starts in a moment; the profile code paths are the same. With
    // DATABASE_URL it is made in the database at the first start, its keys under this passphrase.
    CA_KEY_ALGORITHM: 'P-256',
    CA_INIT_DEVELOPMENT: 'true',
    CA_KEY_PASSPHRASE: 'e2e-console-passphrase',
    ...extraEnv,
  }
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const deadline = Date.now() + 120_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`console server exited with ${child.exitCode}`)
    if (await fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false)) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error('console server did not become healthy')
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  // The server has migrated the database; the CLI makes the operator and its certificate next to
  // it (PostgreSQL allows both at once), and the operator signs in with that certificate.
  const operatorP12 = join(dataDir, 'e2e-operator.p12')
  const cliEnv = { ...env, QT_OPERATOR_P12_PASSWORD: randomBytes(12).toString('base64url') }
  cli(cliEnv, ['operator', 'create', '--iin', OPERATOR_IIN, '--out', operatorP12, '--password-env', 'QT_OPERATOR_P12_PASSWORD'])
  const operatorCookie = cli(cliEnv, ['operator', 'sign-in', '--p12', operatorP12, '--password-env', 'QT_OPERATOR_P12_PASSWORD', '--url', url])
  const work = mkdtempSync(join(tmpdir(), 'qoltanba-console-keys-'))

  async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(`${url}${path}`, init)
    const body = (await response.json()) as T
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${JSON.stringify(body)}`)
    return body
  }
  const operatorHeaders = { cookie: operatorCookie }

  const server: ConsoleServer = {
    url,
    port,
    dataDir,
    operatorCookie,
    demoOperator: {
      p12: join(dataDir, 'demo-operator.p12'),
      password: readFileSync(join(dataDir, 'demo-operator.p12.password'), 'utf8').trim(),
      iin: DEMO_OPERATOR_IIN,
    },
    async submit(iin, storage = 'file') {
      const auth = opensslRequest(work, `${iin}-${randomUUID()}-auth`, ['-newkey', 'rsa:2048'], iin)
      const sign = opensslRequest(work, `${iin}-${randomUUID()}-sign`, ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], iin)
      const r = await api<{ number: string; accessCode: string }>('/api/v1/applications', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID().replace(/-/g, '') },
        body: JSON.stringify({
          profile: 'individual',
          iin,
          region: 'KZ-75',
          storage,
          requests: [
            { purpose: 'auth', csr: auth.csr },
            { purpose: 'sign', csr: sign.csr },
          ],
        }),
      })
      return { number: r.number, accessCode: r.accessCode, iin, keys: { auth: auth.key, sign: sign.key } }
    },
    async approve(number) {
      await api(`/api/v1/operator/applications/${number}/approve`, { method: 'POST', headers: { ...operatorHeaders, 'content-type': 'application/json' }, body: '{"identityChecked":true}' })
    },
    certificates(app) {
      return api(`/api/v1/applications/${app.number}/certificates`, { headers: { 'x-access-code': app.accessCode } })
    },
    operatorGet(path) {
      return api(path, { headers: operatorHeaders })
    },
    async pkcs12(app, purpose, password) {
      const { certificates, chain } = await server.certificates(app)
      const cert = certificates.find((c) => c.purpose === purpose)
      if (!cert) throw new Error(`no ${purpose} certificate for ${app.number}`)
      const stem = join(work, `${app.number}-${purpose}`)
      writeFileSync(`${stem}.key`, app.keys[purpose])
      writeFileSync(`${stem}.crt`, cert.pem)
      writeFileSync(`${stem}.chain`, chain.join('\n'))
      execFileSync('openssl', ['pkcs12', '-export', '-inkey', `${stem}.key`, '-in', `${stem}.crt`, '-certfile', `${stem}.chain`, '-name', `${purpose} ${app.iin}`, '-passout', `pass:${password}`, '-out', `${stem}.p12`], { stdio: 'pipe' })
      return `${stem}.p12`
    },
    async caFile(name) {
      const response = await fetch(`${url}/ca/${name}.crt`)
      const der = join(work, `${name}.der`)
      writeFileSync(der, Buffer.from(await response.arrayBuffer()))
      execFileSync('openssl', ['x509', '-inform', 'DER', '-in', der, '-out', join(work, `${name}.pem`)], { stdio: 'pipe' })
      return join(work, `${name}.pem`)
    },
    cli(args) {
      return cli(env, args)
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
      rmSync(dataDir, { recursive: true, force: true })
      rmSync(work, { recursive: true, force: true })
      const drop = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await drop.connect()
      await drop.query(`drop database if exists ${dbName}`).catch(() => undefined)
      await drop.end()
    },
  }
  return server
}

/** `test` with a `consoleServer` worker fixture. */
export const test = base.extend<object, { consoleServer: ConsoleServer }>({
  consoleServer: [
    async ({}, use) => {
      const server = await startConsoleServer()
      await use(server)
      await server.stop()
    },
    { scope: 'worker', timeout: 180_000 },
  ],
})
