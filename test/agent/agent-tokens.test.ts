/**
 * The running agent over a real WebSocket, driven by the PWA's own client
 * (src/agents/qoltanba-agent-signer.ts), against a fresh SoftHSM2 token per test, with OpenSSL
 * as the independent verifier of what the token produced.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { QoltanbaAgentSigner } from '../../src/agents/qoltanba-agent-signer.ts'
import type { WebSocketLike } from '../../src/agents/connection.ts'
import { isQoltanbaError } from '../../src/core/errors.ts'
import { parseCsr, verifyCsr } from '../../src/pki/csr.ts'
import { startAgent, type RunningAgent } from '../../agent/server.ts'
import { createTestToken, SOFTHSM_MODULE, USER_PIN, type TestToken } from './softhsm.ts'

const ORIGIN = 'http://localhost:5173'

function run(cwd: string, cmd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' })
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` }
}

function clientFor(agent: RunningAgent, origin = ORIGIN): QoltanbaAgentSigner {
  return new QoltanbaAgentSigner({
    url: agent.plainUrl,
    createSocket: (url) => new WebSocket(url, { origin }) as unknown as WebSocketLike,
  })
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p
  } catch (e) {
    return e
  }
  throw new Error('expected a rejection')
}

/** A test CA made by OpenSSL that certifies `csrDer`; returns the certificate DER. */
function certifyWithOpenssl(dir: string, csrDer: Uint8Array): Uint8Array {
  writeFileSync(join(dir, 'req.der'), csrDer)
  const steps: string[][] = [
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Test CA', '-days', '2'],
    ['req', '-inform', 'DER', '-in', 'req.der', '-out', 'req.pem'],
    ['x509', '-req', '-in', 'req.pem', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-copy_extensions', 'copy', '-outform', 'DER', '-out', 'cert.der'],
  ]
  for (const args of steps) {
    const r = run(dir, 'openssl', args)
    expect(r.code, r.out).toBe(0)
  }
  return new Uint8Array(readFileSync(join(dir, 'cert.der')))
}

describe('agent with a SoftHSM2 token', () => {
  let token: TestToken
  let agent: RunningAgent
  let client: QoltanbaAgentSigner
  const codes: Array<{ origin: string; code: string }> = []

  beforeEach(async () => {
    token = createTestToken()
    agent = await startAgent({
      dataDir: token.dir,
      modules: [{ name: 'softhsm', path: SOFTHSM_MODULE }],
      plainPort: 0,
      tlsPort: null,
      showPairingCode: (origin, code) => codes.push({ origin, code }),
    })
    agent.pairing.approve(ORIGIN)
    client = clientFor(agent)
  })

  afterEach(async () => {
    client.close()
    await agent.close()
    token.cleanup()
  })

  it('lists the token', async () => {
    expect(await client.detect()).toMatchObject({ available: true, kind: 'qoltanba-agent', version: '0.1.0' })
    const storages = await client.listStorages()
    expect(storages).toEqual([expect.objectContaining({ id: token.storageId, label: 't', type: 'token', model: 'SoftHSM v2' })])
    expect(await client.listCertificates()).toEqual([])
  })

  it.each(['RSA-2048', 'P-256'] as const)('%s: key on the token, CSR, certificate import, CMS that OpenSSL verifies', async (algorithm) => {
    const generated = await client.generateKeyAndCsr({
      storageId: token.storageId,
      secret: USER_PIN,
      algorithm,
      subject: { commonName: 'ТЕСТОВ ТЕСТ', surname: 'ТЕСТОВ', serialNumber: 'IIN840317000029', country: 'KZ', givenName: 'ТЕСТОВИЧ' },
      extKeyUsage: ['1.3.6.1.5.5.7.3.4'],
      label: 'sign key',
    })
    writeFileSync(join(token.dir, 'csr.der'), generated.csr)
    const verify = run(token.dir, 'openssl', ['req', '-inform', 'DER', '-in', 'csr.der', '-verify', '-noout', '-text', '-nameopt', 'oneline,-esc_msb'])
    expect(verify.out).toContain('verify OK')
    expect(verify.out).toContain(algorithm === 'RSA-2048' ? 'Public-Key: (2048 bit)' : 'prime256v1')
    expect(verify.out).toMatch(/Subject: CN = ТЕСТОВ ТЕСТ, SN = ТЕСТОВ, serialNumber = IIN840317000029, C = KZ, GN = ТЕСТОВИЧ\n/) // one attribute per RDN, NCA order

    // The Registration Center reads it with src/pki as well.
    expect(await verifyCsr(generated.csr)).toBe(true)
    const info = parseCsr(generated.csr)
    expect(info.subject).toMatchObject({ iin: '840317000029', commonName: 'ТЕСТОВ ТЕСТ', givenName: 'ТЕСТОВИЧ' })
    expect(info.extensions.keyUsage).toEqual(['digitalSignature', 'nonRepudiation'])
    expect(info.extensions.extKeyUsage?.map((e) => e.oid)).toEqual(['1.3.6.1.5.5.7.3.4'])

    const keys = await client.listKeys({ storageId: token.storageId, secret: USER_PIN })
    expect(keys).toEqual([expect.objectContaining({ id: generated.keyId, algorithm: algorithm === 'RSA-2048' ? 'RSA' : 'EC', label: 'sign key' })])
    expect(keys[0]?.publicKey).toEqual(generated.publicKey)

    const certDer = certifyWithOpenssl(token.dir, generated.csr)
    const imported = await client.importCertificate({ storageId: token.storageId, secret: USER_PIN, certificate: certDer, label: 'sign cert' })
    expect(imported.keyId).toBe(generated.keyId)
    const listed = await client.listCertificates({ storageId: token.storageId })
    expect(listed).toHaveLength(1)
    expect(listed[0]).toMatchObject({ id: imported.id, keyId: generated.keyId, label: 'sign cert' })
    expect(Buffer.from(listed[0]!.der).equals(Buffer.from(certDer))).toBe(true)

    const data = new TextEncoder().encode('Қолтаңба: signed on a token\n')
    writeFileSync(join(token.dir, 'data.txt'), data)
    const attached = await client.signCms({ data, storageId: token.storageId, certificateId: imported.id, secret: USER_PIN })
    writeFileSync(join(token.dir, 'attached.der'), attached.cms)
    const a = run(token.dir, 'openssl', ['cms', '-verify', '-inform', 'DER', '-in', 'attached.der', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', 'out.txt'])
    expect(a.out).toContain('Verification successful')
    expect(readFileSync(join(token.dir, 'out.txt'), 'utf8')).toBe('Қолтаңба: signed on a token\n')
    // pki's CMS builder through the raw-signature seam: the ESS signingCertificateV2 attribute binds
    // the signature to this certificate (OpenSSL 3 checks that binding in cms -verify above).
    const printed = run(token.dir, 'openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'attached.der'])
    expect(printed.out).toContain('id-smime-aa-signingCertificateV2')
    const certSha256 = createHash('sha256').update(certDer).digest('hex').replace(/(..)(?!$)/g, '$1:')
    expect(printed.out.replace(/\s+/g, ' ')).toMatch(new RegExp(certSha256.slice(0, 47).replace(/:/g, '[: -]*'), 'i'))

    const detached = await client.signCms({
      data,
      detached: true,
      secret: USER_PIN,
      filter: { extKeyUsageOids: ['1.3.6.1.5.5.7.3.4'], iin: '840317000029' },
    })
    writeFileSync(join(token.dir, 'detached.der'), detached.cms)
    const d = run(token.dir, 'openssl', ['cms', '-verify', '-inform', 'DER', '-in', 'detached.der', '-content', 'data.txt', '-binary', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null'])
    expect(d.out).toContain('Verification successful')

    // Digested (signDigest): only the document's SHA-256 reaches the agent; OpenSSL checks it against the document.
    const digest = new Uint8Array(createHash('sha256').update(data).digest())
    const byDigest = await client.signCms({ data: new Uint8Array(), messageDigest: digest, detached: true, storageId: token.storageId, certificateId: imported.id, secret: USER_PIN })
    writeFileSync(join(token.dir, 'digest.der'), byDigest.cms)
    const g = run(token.dir, 'openssl', ['cms', '-verify', '-inform', 'DER', '-in', 'digest.der', '-content', 'data.txt', '-binary', '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null'])
    expect(g.out).toContain('Verification successful')
    // A digest is no document: attached, or not 32 bytes, it is refused before any PIN is used.
    const attachedDigest = await client.connection.request({
      module: 'kz.gov.pki.knca.basics',
      method: 'sign',
      args: { format: 'cms', data: Buffer.from(digest).toString('base64'), signingParams: { decode: true, encapsulate: true, digested: true }, signerParams: {}, pin: USER_PIN },
    })
    expect(attachedDigest).toMatchObject({ status: false, code: 'ERR_MALFORMED' })
    const shortDigest = await rejection(client.signCms({ data: new Uint8Array(), messageDigest: digest.slice(1), detached: true, storageId: token.storageId, secret: USER_PIN }))
    expect(isQoltanbaError(shortDigest, 'ERR_MALFORMED')).toBe(true)

    // NCALayer-style multi-document request: text data (decode false), one CMS per document.
    const multi = await client.connection.request({
      module: 'kz.gov.pki.knca.basics',
      method: 'sign',
      args: { format: 'cms', data: ['first', 'second'], signingParams: { decode: false }, signerParams: { extKeyUsageOids: [] }, pin: USER_PIN },
    })
    const signatures = (multi as { body: { result: string[] } }).body.result
    expect(signatures).toHaveLength(2)
    signatures.forEach((b64, i) => {
      writeFileSync(join(token.dir, `multi${i}.der`), Buffer.from(b64, 'base64'))
      const m = run(token.dir, 'openssl', ['cms', '-verify', '-inform', 'DER', '-in', `multi${i}.der`, '-CAfile', 'ca.pem', '-purpose', 'any', '-out', `multi${i}.txt`])
      expect(m.out).toContain('Verification successful')
      expect(readFileSync(join(token.dir, `multi${i}.txt`), 'utf8')).toBe(i === 0 ? 'first' : 'second')
    })

    const noMatch = await rejection(client.signCms({ data, secret: USER_PIN, filter: { iin: '990101000000' } }))
    expect(isQoltanbaError(noMatch, 'ERR_NOT_FOUND')).toBe(true)

    await client.deleteCertificate(imported.id, { storageId: token.storageId, secret: USER_PIN })
    expect(await client.listCertificates({ storageId: token.storageId })).toEqual([])
    expect(await client.listKeys({ storageId: token.storageId, secret: USER_PIN })).toHaveLength(1)
  })

  it('refuses a certificate whose key is not on the token', async () => {
    const generated = await client.generateKeyAndCsr({ storageId: token.storageId, secret: USER_PIN, algorithm: 'P-256', subject: { commonName: 'x' } })
    expect(generated.keyId).toMatch(/^[0-9a-f]{40}$/)
    const r = run(token.dir, 'openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-subj', '/CN=other', '-outform', 'DER', '-out', 'other.der'])
    expect(r.code, r.out).toBe(0)
    const other = new Uint8Array(readFileSync(join(token.dir, 'other.der')))
    const e = await rejection(client.importCertificate({ storageId: token.storageId, secret: USER_PIN, certificate: other }))
    expect(isQoltanbaError(e, 'ERR_KEY_MISMATCH')).toBe(true)
  })

  it('wrong PIN: typed error with what the token reports about attempts', async () => {
    const e = await rejection(client.generateKeyAndCsr({ storageId: token.storageId, secret: '000000', algorithm: 'P-256', subject: { commonName: 'x' } }))
    expect(isQoltanbaError(e, 'ERR_WRONG_PIN')).toBe(true)
    if (!isQoltanbaError(e)) throw e
    // SoftHSM2 raises CKF_USER_PIN_COUNT_LOW after a failed login and has no exact counter.
    expect(e.details).toMatchObject({ pinCountLow: true })
    expect(e.details.attemptsLeft).toBeUndefined()
    expect(e.message).toMatch(/^Wrong PIN/)
    expect(e.message).not.toContain('000000')
    const [t] = await client.listTokens()
    expect(t).toMatchObject({ pinCountLow: true, pinLocked: false })
  })

  it('token missing: unknown serial, unknown module, nothing to sign with', async () => {
    for (const storageId of ['p11:softhsm:0000000000000000', 'p11:kaztoken:1234', 'p12:nothing.p12']) {
      const e = await rejection(client.listCertificates({ storageId }))
      expect(isQoltanbaError(e, 'ERR_TOKEN_MISSING'), storageId).toBe(true)
    }
    const e = await rejection(client.signCms({ data: new Uint8Array([1]), storageId: 'p11:softhsm:0000000000000000', secret: USER_PIN }))
    expect(isQoltanbaError(e, 'ERR_TOKEN_MISSING')).toBe(true)
  })
})
