/**
 * Installation against a real Registration Center (PGlite, Fastify on a local port) and a real
 * keystore (fake-indexeddb): keys and requests made by the key flow, approved by an
 * operator, then installed — into the container, or as two .p12 files OpenSSL opens. Every
 * failure (wrong password, another CA root, a certificate for another key) installs nothing and
 * leaves the application "issued".
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiClient, rootFingerprint, type ApplicationRecord } from '../../src/api/index.ts'
import { makeKeysAndRequests } from '../../src/flows/key-requests.ts'
import { INSTALL_PHASES, installCertificates, keyFileName, type InstallOptions, type InstallPhase, type KeyFile } from '../../src/flows/install.ts'
import { KeystoreSigner, type Keystore } from '../../src/keystore/index.ts'
import type { ImportCertificateRequest, Signer, SignerCallOptions } from '../../src/core/signer.ts'
import { startTestServer, type TestServer } from '../server/helpers/app.ts'
import { manualClock, newKeystore, rejectsWithCode } from '../keystore/helpers.ts'

let server: TestServer
let baseUrl: string
let operatorCookie: string
const PASSWORD = 'Install-Test-1'

beforeAll(async () => {
  server = await startTestServer('pglite')
  baseUrl = await server.app.listen({ port: 0, host: '127.0.0.1' })
  operatorCookie = await server.operatorCookie()
})
afterAll(async () => {
  await server?.close()
})

async function issued(storage: 'browser' | 'file' | 'token') {
  const clock = manualClock(Date.now())
  const keystore = newKeystore({ now: clock.now })
  const client = createApiClient({ baseUrl })
  const { body, draft } = await makeKeysAndRequests({
    draft: {
      applicant: {
        kind: 'individual', profile: 'individual', iin: '900101300017', surname: 'ТЕСТОВ', name: 'ТЕСТ', patronymic: 'ТЕСТОВИЧ',
        email: 'testov@example.kz', bin: null, organization: null, region: 'KZ-75',
      },
    },
    caRootSha256: await rootFingerprint(client),
    storage,
    algorithm: 'P-256',
    onPhase: () => {},
  }, { signer: new KeystoreSigner(keystore), secret: PASSWORD, label: () => 'test' })
  const submitted = await client.submitApplication(body, randomUUID())
  const approved = await server.app.inject({
    method: 'POST',
    url: `/api/v1/operator/applications/${submitted.number}/approve`,
    headers: { cookie: operatorCookie },
    payload: { identityChecked: true },
  })
  expect(approved.statusCode).toBe(200)
  const record: ApplicationRecord = { ...draft, number: submitted.number, accessCode: submitted.accessCode, submissionId: randomUUID(), submittedAt: Date.now() }
  const status = async () => (await client.getApplication(record.number, record.accessCode)).status
  const ownCertificates = async () => (await keystore.getContainer((record.keys.containerId ?? record.keys.tokenId)!)).certificates.filter((c) => c.keyId)
  return { keystore, client, record, clock, status, ownCertificates }
}

/** The options a browser-keystore installation passes (key files: exported and handed to `save`). */
function onKeystore(keystore: Keystore, rest: Omit<InstallOptions, 'signer' | 'keyFiles'>, save?: (files: readonly KeyFile[]) => Promise<void>): InstallOptions {
  return { ...rest, signer: new KeystoreSigner(keystore), ...(save ? { keyFiles: { keystore, save } } : {}) }
}

describe('installCertificates', () => {
  it('browser storage: verifies, matches and stores both certificates with the chain, then reports installed', async () => {
    const { keystore, client, record, status, ownCertificates } = await issued('browser')
    const phases: InstallPhase[] = []
    const result = await installCertificates(onKeystore(keystore, { application: record, client, onPhase: (p) => phases.push(p) }))
    expect(phases).toEqual(INSTALL_PHASES)
    expect(result.files).toEqual([])
    expect(result.certificates.map((c) => c.purpose).sort()).toEqual(['auth', 'sign'])
    const container = await keystore.getContainer(record.keys.containerId!)
    const own = container.certificates.filter((c) => c.keyId)
    expect(own.map((c) => c.keyId).sort()).toEqual([record.keys.keyIds!.auth, record.keys.keyIds!.sign].sort())
    expect(container.certificates.filter((c) => !c.keyId)).toHaveLength(2)
    expect((await ownCertificates()).every((c) => c.summary.iin === '900101300017')).toBe(true)
    expect(await status()).toBe('installed')
  })

  it('key files: a wrong password writes no file and leaves it issued; the right one makes two .p12 files OpenSSL opens', async () => {
    const { keystore, client, record, clock, status } = await issued('file')
    const saved: KeyFile[] = []
    const saveFiles = async (files: readonly KeyFile[]) => void saved.push(...files)
    await rejectsWithCode(installCertificates(onKeystore(keystore, { application: record, client, secret: 'wrong-password-1', onPhase: () => {} }, saveFiles)), 'ERR_WRONG_PASSWORD')
    expect(saved).toEqual([])
    expect(await status()).toBe('issued')

    clock.advance(60_000) // past the wrong-password delay
    const result = await installCertificates(onKeystore(keystore, { application: record, client, secret: PASSWORD, onPhase: () => {} }, saveFiles))
    expect(saved.map((f) => f.name).sort()).toEqual([...result.files].sort())
    expect(result.files.map((n) => n.replace(/[0-9a-f]{40}/, '<ski>')).sort()).toEqual(['AUTH_ECDSA256_<ski>.p12', 'ECDSA256_<ski>.p12'])
    const dir = mkdtempSync(join(tmpdir(), 'qt-install-'))
    try {
      for (const f of saved) {
        const path = join(dir, f.name)
        writeFileSync(path, f.bytes)
        const cert = execFileSync('openssl', ['pkcs12', '-in', path, '-passin', `pass:${PASSWORD}`, '-clcerts', '-nokeys'], { encoding: 'utf8' })
        const key = execFileSync('openssl', ['pkcs12', '-in', path, '-passin', `pass:${PASSWORD}`, '-nocerts', '-nodes'], { encoding: 'utf8' })
        expect(execFileSync('openssl', ['x509', '-noout', '-pubkey'], { input: cert, encoding: 'utf8' })).toBe(
          execFileSync('openssl', ['pkey', '-pubout'], { input: key, encoding: 'utf8' }),
        )
        const eku = execFileSync('openssl', ['x509', '-noout', '-ext', 'extendedKeyUsage'], { input: cert, encoding: 'utf8' })
        expect(eku).toContain(f.purpose === 'auth' ? 'TLS Web Client Authentication' : 'E-mail Protection')
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    expect(await status()).toBe('installed')
  })

  it('refuses a CA root other than the one seen when applying', async () => {
    const { keystore, client, record, status, ownCertificates } = await issued('browser')
    const other = { ...record, caRootSha256: '00'.repeat(32) }
    await rejectsWithCode(installCertificates(onKeystore(keystore, { application: other, client, onPhase: () => {} })), 'ERR_UNTRUSTED_CHAIN')
    expect(await ownCertificates()).toEqual([])
    expect(await status()).toBe('issued')
  })

  it('refuses a certificate that is not for the key made for it', async () => {
    const { keystore, client, record, status, ownCertificates } = await issued('browser')
    const swapped = { ...record, keys: { ...record.keys, keyIds: { auth: record.keys.keyIds!.sign, sign: record.keys.keyIds!.auth } } }
    await rejectsWithCode(installCertificates(onKeystore(keystore, { application: swapped, client, onPhase: () => {} })), 'ERR_KEY_MISMATCH')
    expect(await ownCertificates()).toEqual([])
    expect(await status()).toBe('issued')
  })

  it('token storage: the signer holding the keys gets the PIN on every call and stores each certificate next to its key, labelled; no files', async () => {
    // The keys live in a keystore container here, behind a signer that records what a token signer is asked.
    const { keystore, client, record, status, ownCertificates } = await issued('token')
    expect(record.keys.containerId).toBeUndefined()
    const inner = new KeystoreSigner(keystore)
    const listed: SignerCallOptions[] = []
    const imported: ImportCertificateRequest[] = []
    const signer: Signer = Object.assign(Object.create(inner) as Signer, {
      listKeys: (o: SignerCallOptions) => (listed.push(o), inner.listKeys(o)),
      importCertificate: (r: ImportCertificateRequest) => (imported.push(r), inner.importCertificate(r)),
    })
    const result = await installCertificates({ application: record, client, signer, secret: '246810', onPhase: () => {} })
    expect(result.files).toEqual([])
    expect(listed).toEqual([{ storageId: record.keys.tokenId, secret: '246810' }])
    expect(imported.map((r) => [r.storageId, r.secret, r.keyId, r.label])).toEqual(
      result.certificates.map((c) => [record.keys.tokenId, '246810', record.keys.keyIds![c.purpose], `${c.purpose === 'auth' ? 'AUTH' : 'SIGN'} IIN900101300017`]),
    )
    expect((await ownCertificates()).map((c) => c.keyId).sort()).toEqual([record.keys.keyIds!.auth, record.keys.keyIds!.sign].sort())
    expect(await status()).toBe('installed')
  })

  it('names key files like NCA', () => {
    expect(keyFileName('auth', 'RSA-2048', 'AB12')).toBe('AUTH_RSA256_ab12.p12')
    expect(keyFileName('sign', 'RSA-2048', 'ab12')).toBe('RSA256_ab12.p12')
    expect(keyFileName('auth', 'P-256', 'ab12')).toBe('AUTH_ECDSA256_ab12.p12')
    expect(keyFileName('sign', 'P-256', 'ab12')).toBe('ECDSA256_ab12.p12')
  })
})
