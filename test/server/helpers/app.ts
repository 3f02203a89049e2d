/**
 * A whole Registration Center in-process: temporary DATA_DIR, a test database (PGlite or
 * PostgreSQL), a fast P-256 development CA and the Fastify app, for `app.inject()` tests.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp, type BuildAppOptions } from '../../../server/app.ts'
import { ensureCertificateAuthority, type CertificateAuthority } from '../../../server/ca/authority.ts'
import { loadConfig, type ServerConfig } from '../../../server/config.ts'
import type { AppContext } from '../../../server/context.ts'
import { injectFetch, signInWithKey } from '../../../server/cli/sign-in-client.ts'
import { issueOperatorCertificate } from '../../../server/operators/credential.ts'
import { importPrivateKey } from '../../../src/pki/private-key.ts'
import { openTestDatabase, type Engine, type TestDatabase } from './database.ts'

export interface TestServer {
  readonly app: FastifyInstance
  readonly ctx: AppContext
  readonly config: ServerConfig
  readonly ca: CertificateAuthority
  readonly t: TestDatabase
  /**
   * A Cookie header of an operator session: the account (created or updated with `role`) gets an
   * authentication certificate from the CA and signs in with it, as the console does.
   */
  operatorCookie(iin?: string, role?: 'operator' | 'admin'): Promise<string>
  close(): Promise<void>
}

export async function startTestServer(engine: Engine, env: Record<string, string> = {}, options: Pick<BuildAppOptions, 'mail' | 'renewalJob'> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qt-server-'))
  const config = loadConfig({
    DATA_DIR: dataDir,
    PUBLIC_URL: 'http://localhost:8080',
    DIST_DIR: join(dataDir, 'no-dist'),
    RATE_LIMIT_STATUS: '10000',
    RATE_LIMIT_LOOKUP: '10000',
    RATE_LIMIT_SUBMIT: '10000',
    LOG_LEVEL: 'silent',
    ...env,
  })
  const t = await openTestDatabase(engine)
  const ca = await ensureCertificateAuthority({ ...config, caKeyAlgorithm: 'P-256' }, t.db, { keyIterations: 1000, log: () => {} })
  const app = await buildApp(config, { db: t.db, ca, logger: false, ...options })
  await app.ready()
  const ctx = app.qoltanba
  return {
    app,
    ctx,
    config,
    ca,
    t,
    async operatorCookie(iin = '700611300018', role = 'operator') {
      const cert = await issueOperatorCertificate(t.db, ca, ctx.registry, { iin, role, actor: 'test' })
      const { cookie } = await signInWithKey({
        baseUrl: '',
        fetch: injectFetch(app),
        privateKey: await importPrivateKey(cert.pkcs8, 'sign'),
        certificate: new Uint8Array(cert.der),
        chain: [new Uint8Array(ca.hierarchy.issuing.der)],
      })
      return cookie
    },
    async close() {
      await app.close()
      ca.close()
      await t.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
