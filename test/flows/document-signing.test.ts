/**
 * The /sign flow with a real browser keystore (fake-indexeddb, Node WebCrypto), certificates from
 * an OpenSSL CA and OpenSSL's TSA over HTTP: every signature file it returns is checked by
 * `openssl cms -verify` (detached with -content), co-signing adds a second signer, a large file
 * goes by its streamed digest, and offline leaves the timestamp pending until it is added.
 */
import { createHash } from 'node:crypto'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addPendingTimestamp, completePendingTimestamps, signDocument, type DocumentToSign } from '../../src/flows/document-signing.ts'
import { PendingSignatures } from '../../src/api/pending-signatures.ts'
import { KeystoreSigner, type Keystore } from '../../src/keystore/index.ts'
import { fromPem } from '../../src/pki/pem.ts'
import { toArrayBuffer } from '../../src/pki/asn1.ts'
import { newKeystore } from '../keystore/helpers.ts'
import { openssl, type OpenSsl } from '../pki/openssl.ts'
import { startOpensslTsa, type OpensslTsa } from './openssl-tsa.ts'
import { acceptWithoutRevocationCheck, verifyDocumentSignatures } from '../../src/verifier/index.ts'
import type { Signer } from '../../src/core/signer.ts'

let ossl: OpenSsl
let tsa: OpensslTsa
const keystores: Keystore[] = []
const PASSWORD = 'container-pass'
const text = new TextEncoder().encode('Келісімшарт № 16 — договор № 16\n')
const doc = (data: Uint8Array, name = 'contract.txt'): DocumentToSign => ({
  name,
  size: data.length,
  data,
  sha256: new Uint8Array(createHash('sha256').update(data).digest()),
})

/** A container with a P-256 or RSA key and a certificate for it from the OpenSSL CA. */
async function signerWithCertificate(algorithm: 'P-256' | 'RSA-2048', name: string): Promise<{ signer: KeystoreSigner; certificateId: string }> {
  const keystore = newKeystore()
  keystores.push(keystore)
  const signer = new KeystoreSigner(keystore)
  const generated = await signer.generateKeyAndCsr({ algorithm, subject: { commonName: name, serialNumber: 'IIN900101300017', country: 'KZ' }, secret: PASSWORD, label: name })
  ossl.write(`${name}.csr.der`, generated.csr)
  ossl.run(['req', '-inform', 'DER', '-in', `${name}.csr.der`, '-out', `${name}.csr`])
  ossl.run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-sha256', '-extfile', 'leaf.ext', '-out', `${name}.pem`])
  const certificate = fromPem(new TextDecoder().decode(ossl.read(`${name}.pem`)))[0]!.der
  const installed = await signer.importCertificate({ certificate })
  keystore.lockAll()
  return { signer, certificateId: installed.id }
}

function opensslVerify(cms: Uint8Array, name: string, content: Uint8Array | undefined): boolean {
  const file = ossl.write(name, cms)
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', file, '-CAfile', 'ca.pem', '-purpose', 'any', '-out', `${name}.out`]
  if (content) ossl.write(`${name}.content`, content)
  return ossl.tryRun(content ? [...args, '-content', `${name}.content`] : args).status === 0
}

const signerInfos = (cms: Uint8Array) => new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(toArrayBuffer(cms)).content }).signerInfos
const timestamped = (cms: Uint8Array, i: number) => (signerInfos(cms)[i]!.unsignedAttrs?.attributes ?? []).some((a) => a.type === '1.2.840.113549.1.9.16.2.14')

beforeAll(async () => {
  ossl = openssl('qoltanba-document-signing-')
  ossl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30',
    '-subj', '/C=KZ/CN=Signing Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  ossl.write('leaf.ext', 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n')
  tsa = await startOpensslTsa(ossl)
})
afterAll(async () => {
  await Promise.all(keystores.map((k) => k.destroy()))
  await tsa.close()
  ossl.cleanup()
})

describe('signDocument', () => {
  it.each([
    ['P-256', true],
    ['RSA-2048', false],
  ] as const)('%s detached=%s with a timestamp: openssl verifies the file, the token is in it', async (algorithm, detached) => {
    const { signer, certificateId } = await signerWithCertificate(algorithm, `signer-${algorithm}`)
    const signed = await signDocument({ signer, certificateId, secret: PASSWORD, document: doc(text), detached, timestamp: true, tsa: { url: tsa.url } })
    expect(signed).toMatchObject({ fileName: detached ? 'contract.txt.p7s' : 'contract.txt.cms', timestamp: 'added', signerIndex: 0 })
    expect(timestamped(signed.cms, 0)).toBe(true)
    expect(opensslVerify(signed.cms, `single-${algorithm}.p7s`, detached ? text : undefined)).toBe(true)
    if (detached) expect(opensslVerify(signed.cms, `single-${algorithm}-changed.p7s`, new TextEncoder().encode('Келісімшарт № 17\n'))).toBe(false)
  })

  it('a large file signed by its streamed digest verifies against the whole file', async () => {
    const { signer, certificateId } = await signerWithCertificate('P-256', 'large')
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251)
    const { data: _data, ...byDigest } = doc(big, 'scan.tiff')
    const signed = await signDocument({ signer, certificateId, secret: PASSWORD, document: byDigest, detached: true, timestamp: false })
    expect(signed.timestamp).toBe('skipped')
    expect(opensslVerify(signed.cms, 'large.p7s', big)).toBe(true)
    await expect(signDocument({ signer, certificateId, secret: PASSWORD, document: byDigest, detached: false, timestamp: false })).rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED' })
  })

  it('co-signs: a second certificate joins the first signature, both verify, each timestamped', async () => {
    const alice = await signerWithCertificate('RSA-2048', 'alice')
    const bob = await signerWithCertificate('P-256', 'bob')
    const first = await signDocument({ ...alice, secret: PASSWORD, document: doc(text), detached: true, timestamp: true, tsa: { url: tsa.url } })
    const both = await signDocument({ ...bob, secret: PASSWORD, document: doc(text), detached: true, cosign: first.cms, timestamp: true, tsa: { url: tsa.url } })
    expect(both.signerIndex).toBe(1)
    expect(signerInfos(both.cms)).toHaveLength(2)
    expect(timestamped(both.cms, 0) && timestamped(both.cms, 1)).toBe(true)
    expect(opensslVerify(both.cms, 'cosigned.p7s', text)).toBe(true)
    // A signature file of another document is refused before the key is used.
    await expect(signDocument({ ...bob, secret: 'not-even-asked', document: doc(new TextEncoder().encode('басқа')), detached: true, cosign: first.cms, timestamp: false }))
      .rejects.toMatchObject({ code: 'ERR_PAYLOAD_MISMATCH' })
  })

  it('offline: the signature is made, the timestamp waits and is added later', async () => {
    const { signer, certificateId } = await signerWithCertificate('P-256', 'offline')
    const signed = await signDocument({ signer, certificateId, secret: PASSWORD, document: doc(text), detached: true, timestamp: true, tsa: { url: 'http://127.0.0.1:9/tsp' } })
    expect(signed.timestamp).toBe('pending')
    expect(timestamped(signed.cms, 0)).toBe(false)
    expect(opensslVerify(signed.cms, 'offline.p7s', text)).toBe(true)
    const later = await addPendingTimestamp(signed, { url: tsa.url })
    expect(later.timestamp).toBe('added')
    expect(later.timestampTime).toBeInstanceOf(Date)
    expect(timestamped(later.cms, 0)).toBe(true)
    expect(opensslVerify(later.cms, 'offline-later.p7s', text)).toBe(true)
  })

  it('kept on the device: a later visit adds the timestamps of the stored signatures, one claim each', async () => {
    const { signer, certificateId } = await signerWithCertificate('RSA-2048', 'stored')
    const store = new PendingSignatures(`signatures-test-${Date.now()}`)
    const offline = { url: 'http://127.0.0.1:9/tsp' }
    for (const name of ['a.txt', 'b.txt']) {
      const signed = await signDocument({ signer, certificateId, secret: PASSWORD, document: doc(text, name), detached: true, timestamp: true, tsa: offline })
      await store.put({ id: name, fileName: signed.fileName, cms: signed.cms, signerIndex: signed.signerIndex, timestamp: 'pending', createdAt: Date.now() - 1000 })
    }
    // Still offline: nothing changes, both wait.
    expect(await completePendingTimestamps(store, Date.now(), offline)).toEqual([])
    expect((await store.list()).map((r) => r.timestamp)).toEqual(['pending', 'pending'])
    // Records of this visit (created after `before`) are left to the page that made them.
    expect(await completePendingTimestamps(store, Date.now() - 5000, { url: tsa.url })).toEqual([])
    const done = await completePendingTimestamps(store, Date.now(), { url: tsa.url })
    expect(done.map((r) => r.fileName)).toEqual(['a.txt.p7s', 'b.txt.p7s'])
    const stored = await store.list()
    expect(stored.map((r) => r.timestamp)).toEqual(['added', 'added'])
    for (const r of stored) {
      expect(timestamped(r.cms, 0)).toBe(true)
      expect(opensslVerify(r.cms, `stored-${r.id}.p7s`, text)).toBe(true)
    }
    expect(await store.claim('a.txt')).toBeDefined()
    expect(await store.claim('a.txt')).toBeUndefined()
    store.close()
  })

  it('countersigns: the chosen signer\'s signature value is signed, OpenSSL and our verifier accept it', async () => {
    const alice = await signerWithCertificate('RSA-2048', 'alice-c')
    const bob = await signerWithCertificate('P-256', 'bob-c')
    const first = await signDocument({ ...alice, secret: PASSWORD, document: doc(text), detached: true, timestamp: false })
    const countered = await signDocument({ ...bob, secret: PASSWORD, document: doc(text), detached: true, cosign: first.cms, countersign: 0, timestamp: true, tsa: { url: tsa.url } })
    expect(countered).toMatchObject({ signerIndex: 0, timestamp: 'skipped', fileName: 'contract.txt.p7s' })
    expect(signerInfos(countered.cms)).toHaveLength(1)
    expect(opensslVerify(countered.cms, 'countered.p7s', text)).toBe(true)
    const ca = fromPem(new TextDecoder().decode(ossl.read('ca.pem')))[0]!.der
    const report = await verifyDocumentSignatures({ cms: countered.cms, content: text, trustAnchors: [ca], revocation: acceptWithoutRevocationCheck })
    expect(report.signers[0]).toMatchObject({ valid: true, identity: { commonName: 'alice-c' } })
    expect(report.signers[0]?.countersignatures).toHaveLength(1)
    expect(report.signers[0]?.countersignatures[0]).toMatchObject({ valid: true, identity: { commonName: 'bob-c' } })
    // Refusals, before any key is used: another document, no such signer, a signer that cannot countersign.
    await expect(signDocument({ ...bob, secret: 'not-even-asked', document: doc(new TextEncoder().encode('басқа')), detached: true, cosign: first.cms, countersign: 0, timestamp: false }))
      .rejects.toMatchObject({ code: 'ERR_PAYLOAD_MISMATCH' })
    await expect(signDocument({ ...bob, secret: 'not-even-asked', document: doc(text), detached: true, cosign: first.cms, countersign: 3, timestamp: false }))
      .rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
    const agentLike = Object.create(bob.signer, { capabilities: { value: new Set(['signCms', 'signDigest']) } }) as Signer
    await expect(signDocument({ signer: agentLike, document: doc(text), detached: true, cosign: first.cms, countersign: 0, timestamp: false }))
      .rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED' })
    await expect(signDocument({ ...bob, secret: PASSWORD, document: doc(text), detached: true, countersign: 0, timestamp: false })).rejects.toMatchObject({ code: 'ERR_VALIDATION' })
  })

  it('a wrong password changes nothing', async () => {
    const { signer, certificateId } = await signerWithCertificate('P-256', 'wrong')
    await expect(signDocument({ signer, certificateId, secret: 'wrong', document: doc(text), detached: true, timestamp: false })).rejects.toMatchObject({ code: 'ERR_WRONG_PASSWORD' })
  })
})
