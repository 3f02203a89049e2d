/**
 * Shared set-up of the TSA tests: a CA hierarchy in a temporary DATA_DIR on a database of `kind`
 * (test/server/ca/helpers.ts), and a Fastify app with the rate-limit plugin and the /tsp routes
 * only, listening on a random port.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { ensureCertificateAuthority, type CertificateAuthority } from '../../server/ca/authority.ts'
import type { CaConfig } from '../../server/ca/hierarchy.ts'
import { DEFAULT_TSA_POLICY_OID } from '../../server/config.ts'
import type { Db } from '../../server/db/schema.ts'
import { installErrorHandler } from '../../server/errors.ts'
import { tsaRoutes } from '../../server/tsa/routes.ts'
import type { TsaSettings } from '../../server/tsa/timestamp-authority.ts'
import { openTestDb, type DbKind } from './ca/helpers.ts'

export interface TsaFixture {
  readonly dir: string
  readonly config: CaConfig
  readonly db: Db
  readonly ca: CertificateAuthority
  readonly app: FastifyInstance
  /** http://127.0.0.1:<port> */
  readonly url: string
  readonly settings: TsaSettings
  /** PEM paths for openssl: root, issuing, and the TSA certificate (after the first request). */
  readonly rootPem: string
  readonly issuingPem: string
  readonly tsaPem: string
  close(): Promise<void>
}

export interface TsaFixtureOptions {
  readonly ca?: Partial<CaConfig>
  readonly rateLimitMax?: number
  readonly settings?: Partial<TsaSettings>
}

/** Starts an app serving /tsp for a fresh CA (P-256 unless options.ca says otherwise: faster to make). */
export async function setupTsa(kind: DbKind, options: TsaFixtureOptions = {}): Promise<TsaFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'qoltanba-tsa-'))
  const config: CaConfig = { dataDir: dir, publicUrl: 'http://qoltanba.test', caKeyPassphrase: undefined, pkcs11: undefined, caKeyAlgorithm: 'P-256', ...options.ca }
  const { db, drop } = await openTestDb(kind, dir)
  const ca = await ensureCertificateAuthority(config, db, { keyIterations: 1000, log: () => {}, warmCrl: false })
  const settings: TsaSettings = { policyOid: DEFAULT_TSA_POLICY_OID, accuracyMs: 1500, ...options.settings }
  const app = Fastify({ logger: false })
  installErrorHandler(app)
  await app.register(rateLimit, { global: false })
  await app.register(tsaRoutes, {
    getCa: async () => ca, db, config, tsa: settings,
    rateLimit: { max: options.rateLimitMax ?? 100_000, timeWindow: 60_000 },
    open: { keyIterations: 1000 },
  })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const caDir = join(dir, 'ca')
  return {
    dir, config, db, ca, app, url, settings,
    rootPem: join(caDir, 'root.pem'), issuingPem: join(caDir, 'issuing.pem'), tsaPem: join(caDir, 'tsa.pem'),
    async close() {
      await app.close()
      ca.close()
      await drop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** POSTs a DER body to /tsp. */
export async function postTsp(url: string, body: Uint8Array<ArrayBuffer>, contentType = 'application/timestamp-query'): Promise<{ status: number; type: string | null; der: Buffer<ArrayBuffer> }> {
  const res = await fetch(`${url}/tsp`, { method: 'POST', headers: { 'content-type': contentType }, body })
  return { status: res.status, type: res.headers.get('content-type'), der: Buffer.from(await res.arrayBuffer()) }
}
