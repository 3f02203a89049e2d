/**
 * Shared set-up for the CA tests: a temporary DATA_DIR with a fresh hierarchy, a database
 * (PGlite in memory, or a fresh schema on the PostgreSQL server of TEST_DATABASE_URL), and a
 * Fastify app with the PKI endpoints and revocation routes, listening on a random port.
 */
import { execFile, execFileSync } from 'node:child_process'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll } from 'vitest'
import { sql } from 'kysely'
import { ensureCertificateAuthority, type CertificateAuthority, type LoadOptions } from '../../../server/ca/authority.ts'
import { openCaStore } from '../../../server/ca/open-ca-store.ts'
import type { CaConfig } from '../../../server/ca/hierarchy.ts'
import { initCertificateAuthority } from '../../../server/ca/hierarchy-init.ts'
import { issueAndRecord } from '../../../server/ca/store.ts'
import type { IssuedCertificate } from '../../../server/ca/issue.ts'
import { openDatabase } from '../../../server/db/index.ts'
import type { Db } from '../../../server/db/schema.ts'
import { installErrorHandler } from '../../../server/errors.ts'
import { getProfile } from '../../../server/profiles/index.ts'
import { pkiEndpoints } from '../../../server/pki-routes/pki-endpoints.ts'
import { revocationRoutes } from '../../../server/pki-routes/revocation-routes.ts'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export type DbKind = 'pglite' | 'postgres'
export const DB_KINDS: readonly DbKind[] = ['pglite', 'postgres']

/**
 * Opens a fresh database of `kind`; `drop` removes it (PostgreSQL: its schema). `databaseUrl`
 * reaches the same PostgreSQL schema from another process or CLI run (undefined for PGlite).
 */
export async function openTestDb(kind: DbKind, dataDir: string): Promise<{ db: Db; databaseUrl?: string; drop: () => Promise<void> }> {
  if (kind === 'pglite') {
    const db = await openDatabase({ dataDir, databaseUrl: undefined }, { memory: true })
    return { db, drop: () => db.destroy() }
  }
  const schema = `ca_test_${randomBytes(6).toString('hex')}`
  const db = await openDatabase({ dataDir, databaseUrl: TEST_DATABASE_URL }, { schema, poolSize: 4 })
  return {
    db,
    databaseUrl: `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: async () => {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(db)
      await db.destroy()
    },
  }
}

export interface CaFixture {
  readonly dir: string
  readonly config: CaConfig
  readonly db: Db
  /** PostgreSQL: a DATABASE_URL reaching this fixture's schema (for a CLI run beside it). */
  readonly databaseUrl?: string
  readonly ca: CertificateAuthority
  readonly app: FastifyInstance
  /** http://127.0.0.1:<port> */
  readonly url: string
  /** PEM paths of the hierarchy, for openssl. */
  readonly rootPem: string
  readonly issuingPem: string
  readonly ocspPem: string
  close(): Promise<void>
}

/** Test operator authentication: header x-test-operator carries the IIN. */
export const TEST_OPERATOR_HEADER = 'x-test-operator'
/** Test stand-in for a signed-in session: header x-test-session carries the session's IIN. */
export const TEST_SESSION_HEADER = 'x-test-session'

/** CA_KEY_PASSPHRASE of fixtures whose hierarchy is in the database (setupCa's `inDatabase`). */
export const DATABASE_CA_PASSPHRASE = 'fixture-passphrase-0123'

/**
 * A fixture of `kind`. `inDatabase` (PostgreSQL): as instances on DATABASE_URL run — the hierarchy
 * made in the database first (`qoltanba ca init`), nothing in DATA_DIR/ca; the PEM paths then
 * point at copies in <dir>/pki, as a relying party has them.
 */
export async function setupCa(kind: DbKind, extra: Partial<CaConfig> = {}, load: LoadOptions = {}, inDatabase = false): Promise<CaFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'qoltanba-ca-'))
  const { db, databaseUrl, drop } = await openTestDb(kind, dir)
  const config: CaConfig = {
    dataDir: dir, publicUrl: 'http://qoltanba.test', caKeyPassphrase: undefined, pkcs11: undefined,
    ...(inDatabase ? { databaseUrl, caKeyPassphrase: DATABASE_CA_PASSPHRASE } : {}), ...extra,
  }
  if (inDatabase) await initCertificateAuthority(config, openCaStore(config, db), { development: true, keyIterations: 1000, log: () => {} })
  const ca = await ensureCertificateAuthority(config, db, { keyIterations: 1000, log: () => {}, crl: { debounceMs: 20 }, ...load })
  const app = Fastify({ logger: false })
  installErrorHandler(app)
  await app.register(pkiEndpoints, { getCa: async () => ca })
  await app.register(revocationRoutes, {
    db,
    getCa: async () => ca,
    requireOperator: async (req, reply) => {
      const iin = req.headers[TEST_OPERATOR_HEADER]
      if (typeof iin !== 'string') return reply.code(401).send({ error: { code: 'ERR_UNAUTHORIZED', message: 'operator required' } })
    },
    actorOf: (req) => `operator:${String(req.headers[TEST_OPERATOR_HEADER])}`,
    sessionIinOf: async (req) => {
      const iin = req.headers[TEST_SESSION_HEADER]
      return typeof iin === 'string' ? iin : undefined
    },
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const caDir = join(dir, inDatabase ? 'pki' : 'ca')
  if (inDatabase) {
    mkdirSync(caDir)
    for (const m of [ca.hierarchy.root, ca.hierarchy.issuing, ca.hierarchy.ocsp]) writePem(caDir, `${m.name}.pem`, m.der)
  }
  return {
    dir, config, db, ...(databaseUrl ? { databaseUrl } : {}), ca, app, url,
    rootPem: join(caDir, 'root.pem'), issuingPem: join(caDir, 'issuing.pem'), ocspPem: join(caDir, 'ocsp.pem'),
    async close() {
      await app.close()
      ca.close()
      await drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * For one describe block: a CA fixture of `kind` and a scratch directory, made before its tests
 * (handed to `ready`) and removed after them.
 */
export function useCaFixture(kind: DbKind, scratchPrefix: string, ready: (f: CaFixture, tmp: string) => void, inDatabase = false): void {
  let f: CaFixture | undefined
  let tmp: string | undefined
  beforeAll(async () => {
    f = await setupCa(kind, {}, {}, inDatabase)
    tmp = mkdtempSync(join(tmpdir(), scratchPrefix))
    ready(f, tmp)
  })
  afterAll(async () => {
    await f?.close()
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })
}

export const SUBJECT = {
  commonName: 'ТЕСТОВ ТЕСТ',
  surname: 'ТЕСТОВ',
  serialNumber: 'IIN900101300017',
  country: 'KZ',
  givenName: 'ТЕСТОВИЧ',
} as const

/** An end-entity key pair made with OpenSSL-compatible Node crypto. */
export function newKey(type: 'ec' | 'rsa' = 'ec'): { spki: Buffer; pkcs8Pem: string } {
  const kp = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    spki: kp.publicKey.export({ type: 'spki', format: 'der' }),
    pkcs8Pem: kp.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  }
}

/** Issues and records a certificate of the 'individual' profile for a fresh key. */
export async function issueTestCertificate(
  f: Pick<CaFixture, 'db' | 'ca'>,
  opts: { purpose?: 'auth' | 'sign'; keyType?: 'ec' | 'rsa'; email?: string; storage?: 'file' | 'token' } = {},
): Promise<IssuedCertificate & { pkcs8Pem: string }> {
  const profile = getProfile('individual')
  if (!profile) throw new Error('no individual profile')
  const key = newKey(opts.keyType)
  const issued = await issueAndRecord(
    f.db,
    f.ca,
    {
      profile, purpose: opts.purpose ?? 'sign', csr: { publicKey: { spki: key.spki } }, subject: SUBJECT,
      email: opts.email ?? 'test@example.kz', storage: opts.storage ?? 'file',
    },
    { purpose: opts.purpose ?? 'sign', actor: 'test' },
  )
  return { ...issued, pkcs8Pem: key.pkcs8Pem }
}

/** Writes DER as PEM to a file in `dir` and returns its path. */
export function writePem(dir: string, name: string, der: Uint8Array, label = 'CERTIFICATE'): string {
  const path = join(dir, name)
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')
  writeFileSync(path, `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`)
  return path
}

/** Runs openssl; returns stdout+stderr and the exit code (never throws on a non-zero exit). */
export function openssl(args: readonly string[], input?: Buffer): { out: string; code: number } {
  try {
    const out = execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8' })
    return { out, code: 0 }
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; status?: number }
    return { out: `${err.stdout ?? ''}${err.stderr ?? ''}`, code: err.status ?? 1 }
  }
}

/** Runs openssl and merges stderr into the output even on success. */
export function opensslAll(args: readonly string[]): { out: string; code: number } {
  try {
    const out = execFileSync('sh', ['-c', 'exec openssl "$@" 2>&1', 'sh', ...args], { encoding: 'utf8' })
    return { out, code: 0 }
  } catch (e) {
    const err = e as { stdout?: string; status?: number }
    return { out: err.stdout ?? '', code: err.status ?? 1 }
  }
}

/**
 * Runs openssl without blocking the event loop (needed when it talks to our in-process server);
 * stderr is merged into the output.
 */
export function opensslAsync(args: readonly string[]): Promise<{ out: string; code: number }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', 'exec openssl "$@" 2>&1', 'sh', ...args], { encoding: 'utf8' }, (err, stdout) => {
      resolve({ out: stdout, code: err ? ((err as { code?: number }).code ?? 1) : 0 })
    })
  })
}
