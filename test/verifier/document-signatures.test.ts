/**
 * verifyDocumentSignatures over CMS made by OpenSSL in the test (`openssl cms -sign -cades`,
 * `-nodetach`, `-binary`, `-stream` BER, two signers with `-resign`, detached with `-content`) and
 * signature timestamps made by `openssl ts -reply`: a verdict per signer, each failure with its
 * own code, and a revocation after a trusted timestamp left valid with a note. OpenSSL
 * (`openssl cms -verify`) confirms the signatures we accept are signatures it accepts.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acceptWithoutRevocationCheck, localCrlChecker, parseSignedDataSigners, verifyDocumentSignatures, VerdictNote } from '../../src/verifier/index.ts'
import { isQoltanbaError } from '../../src/core/errors.ts'
import { OpensslPki, openssl, opensslDate, type CaDir, type IssuedCert } from './helpers/openssl-pki.ts'
import { addCountersignature, OpensslTsa, TSA_EXTENSIONS } from './helpers/openssl-tsa.ts'
import { personSubject } from './helpers/signin-pki.ts'

const SIGN_EXTENSIONS = [
  'basicConstraints = critical,CA:FALSE',
  'keyUsage = critical,digitalSignature,nonRepudiation',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
]

let pki: OpensslPki
let root: CaDir
let other: CaDir
let alice: IssuedCert
let bob: IssuedCert
let tsa: OpensslTsa
const doc = new TextEncoder().encode('Шарт № 16: тараптар келісті.\n')

beforeAll(() => {
  pki = new OpensslPki()
  root = pki.rootCa('doc-root', { subject: '/C=KZ/O=Qoltanba Test/CN=Document Test Root' })
  other = pki.rootCa('doc-other', { subject: '/C=KZ/O=Elsewhere/CN=Other Root' })
  alice = pki.issue(root, 'doc-alice', { subject: personSubject('АЛИЕВА АЛИЯ', '870101300031'), extensions: SIGN_EXTENSIONS })
  bob = pki.issue(root, 'doc-bob', { subject: personSubject('БОРИСОВ БОРИС', '870101300042'), extensions: SIGN_EXTENSIONS, keyType: 'p256' })
  const tsaCert = pki.issue(root, 'doc-tsa', { subject: '/C=KZ/O=Qoltanba Test/CN=Test TSA', extensions: TSA_EXTENSIONS })
  tsa = new OpensslTsa(pki, tsaCert, root)
})

afterAll(() => pki?.dispose())

const crlOf = (ca: CaDir) => localCrlChecker([pki.crl(ca)])
const trust = (extra: object = {}) => ({ trustAnchors: [root.der], revocation: crlOf(root), ...extra })

/** `openssl cms -sign` with any extra flags, DER out. */
function sign(signer: IssuedCert, content: Uint8Array, flags: string[]): Uint8Array {
  const input = pki.path(`in-${Math.random().toString(36).slice(2)}`)
  writeFileSync(input, content)
  return new Uint8Array(openssl(['cms', '-sign', '-binary', '-md', 'sha256', ...flags, '-in', input, '-signer', signer.certPath, '-inkey', signer.keyPath, '-outform', 'DER']))
}

/** `openssl cms -resign`: adds `signer` to an existing signature. */
function resign(cms: Uint8Array, signer: IssuedCert, detachedContent?: Uint8Array): Uint8Array {
  const input = pki.path(`cms-${Math.random().toString(36).slice(2)}`)
  writeFileSync(input, cms)
  const content = detachedContent ? ['-content', writeTemp(detachedContent)] : []
  return new Uint8Array(openssl(['cms', '-resign', '-binary', '-md', 'sha256', '-inform', 'DER', '-in', input, ...content, '-signer', signer.certPath, '-inkey', signer.keyPath, '-outform', 'DER', ...(detachedContent ? [] : ['-nodetach'])]))
}

function writeTemp(bytes: Uint8Array): string {
  const path = pki.path(`t-${Math.random().toString(36).slice(2)}`)
  writeFileSync(path, bytes)
  return path
}

/** `openssl cms -verify` as the independent checker. */
function opensslVerifies(cms: Uint8Array, content?: Uint8Array): boolean {
  try {
    openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', writeTemp(cms), '-CAfile', root.certPath, '-purpose', 'any', '-out', pki.path('verified.out'), ...(content ? ['-content', writeTemp(content)] : [])])
    return true
  } catch {
    return false
  }
}

describe('verifyDocumentSignatures: formats OpenSSL makes', () => {
  it('a detached CAdES-BES signature (-cades) with its document: valid, who and which document', async () => {
    const cms = sign(alice, doc, ['-cades'])
    expect(opensslVerifies(cms, doc)).toBe(true)
    const r = await verifyDocumentSignatures({ cms, content: doc, ...trust() })
    expect(r.valid).toBe(true)
    expect(r.document).toEqual({ sha256: createHash('sha256').update(doc).digest('hex'), bytes: doc.length, attached: false })
    const [v] = r.signers
    expect(v).toMatchObject({ valid: true, level: 'CAdES-BES', identity: { iin: '870101300031' }, notes: [VerdictNote.NoTimestamp] })
    expect(v?.chain.map((c) => c.der)).toEqual([alice.der, root.der])
    expect(v?.revocations[0]).toMatchObject({ status: 'good', source: 'crl' })
    expect(v?.signingTime).toBeInstanceOf(Date)
  })

  it('attached (-nodetach), BER streaming (-stream) and the detached document sent as its SHA-256', async () => {
    for (const flags of [['-nodetach'], ['-nodetach', '-stream'], ['-nodetach', '-stream', '-cades']]) {
      const cms = sign(alice, doc, flags)
      const r = await verifyDocumentSignatures({ cms, ...trust() })
      expect(r.valid, flags.join(' ')).toBe(true)
      expect(r.document.attached).toBe(true)
      expect(r.content).toEqual(doc)
    }
    const detached = sign(bob, doc, ['-cades'])
    const byHash = await verifyDocumentSignatures({ cms: detached, contentSha256: createHash('sha256').update(doc).digest(), ...trust() })
    expect(byHash.valid).toBe(true)
    expect(byHash.document).toEqual({ sha256: createHash('sha256').update(doc).digest('hex'), attached: false })
  })

  it('two signers (-resign): one verdict each, RSA and P-256', async () => {
    const cms = resign(sign(alice, doc, ['-cades']), bob, doc)
    expect(opensslVerifies(cms, doc)).toBe(true)
    const r = await verifyDocumentSignatures({ cms, content: doc, ...trust() })
    expect(r.valid).toBe(true)
    // DER sorts the SET OF SignerInfo: the order is the encoding's, not the order of signing.
    expect(r.signers.map((s) => [s.valid, s.identity.iin]).sort()).toEqual([
      [true, '870101300031'],
      [true, '870101300042'],
    ])
  })

  it('CAdES-T: a timestamp from `openssl ts -reply` over the signature value makes the time decisive', async () => {
    const cms = tsa.timestamp(sign(alice, doc, ['-cades']))
    expect(opensslVerifies(cms, doc)).toBe(true)
    const r = await verifyDocumentSignatures({ cms, content: doc, ...trust() })
    const [v] = r.signers
    expect(v).toMatchObject({ valid: true, level: 'CAdES-T', notes: [] })
    expect(v?.timestamp?.tsaIdentity.commonName).toBe('Test TSA')
    expect(v?.timestamp?.policy).toBe('1.2.398.3.3.2.6.1')
    expect(Math.abs(v!.timestamp!.time.getTime() - Date.now())).toBeLessThan(60_000)
    expect(v?.checkedAt).toEqual(v?.timestamp?.time)
  })
})

describe('verifyDocumentSignatures: countersignatures', () => {
  /** `signer`'s `openssl cms -sign -noattr` over `bytes` (what a countersignature signs: a signature value). */
  const counterOver = (signer: IssuedCert, bytes: Uint8Array) => sign(signer, bytes, ['-noattr'])

  it('a countersignature over the signature value of the signer: its own verdict, the signer unchanged', async () => {
    const cms = sign(alice, doc, ['-nodetach', '-cades'])
    const value = parseSignedDataSigners(cms)[0]!.signatureValue
    const r = await verifyDocumentSignatures({ cms: addCountersignature(cms, 0, counterOver(bob, value)), ...trust() })
    expect(r.valid).toBe(true)
    expect(r.signers).toHaveLength(1)
    expect(r.signers[0]?.countersignatures).toHaveLength(1)
    expect(r.signers[0]?.countersignatures[0]).toMatchObject({ valid: true, identity: { iin: '870101300042' }, level: 'CMS' })
  })

  it('a countersignature over another value, or carrying a contentType attribute: ERR_SIGNATURE_INVALID for it alone', async () => {
    const cms = sign(alice, doc, ['-nodetach', '-cades'])
    const value = parseSignedDataSigners(cms)[0]!.signatureValue
    const other = await verifyDocumentSignatures({ cms: addCountersignature(cms, 0, counterOver(bob, new Uint8Array([9, 9, 9]))), ...trust() })
    expect(other.signers[0]).toMatchObject({ valid: true, countersignatures: [{ valid: false, code: 'ERR_SIGNATURE_INVALID' }] })
    const withContentType = await verifyDocumentSignatures({ cms: addCountersignature(cms, 0, sign(bob, value, [])), ...trust() })
    expect(withContentType.signers[0]?.countersignatures[0]).toMatchObject({ valid: false, code: 'ERR_SIGNATURE_INVALID' })
  })

  it('a signer that is not valid (changed document, untrusted root) still names its countersigner with their verdict', async () => {
    const cms = sign(alice, doc, ['-cades'])
    const countered = addCountersignature(cms, 0, counterOver(bob, parseSignedDataSigners(cms)[0]!.signatureValue))
    const changed = doc.slice()
    changed[0] = (changed[0] as number) ^ 1
    const r = await verifyDocumentSignatures({ cms: countered, content: changed, ...trust() })
    expect(r.signers[0]).toMatchObject({ valid: false, code: 'ERR_DOCUMENT_CHANGED' })
    expect(r.signers[0]?.countersignatures[0]).toMatchObject({ valid: true, identity: { iin: '870101300042' } })
    const untrusted = await verifyDocumentSignatures({ cms: countered, content: doc, trustAnchors: [], revocation: acceptWithoutRevocationCheck })
    expect(untrusted.signers[0]?.valid).toBe(false)
    expect(untrusted.signers[0]?.countersignatures[0]).toMatchObject({ valid: false, identity: { iin: '870101300042' } })
  })
})

describe('verifyDocumentSignatures: each failure has its own code', () => {
  it('one byte of the document changed: ERR_DOCUMENT_CHANGED (by bytes and by hash)', async () => {
    const cms = sign(alice, doc, ['-cades'])
    const changed = doc.slice()
    changed[3] = (changed[3] as number) ^ 1
    const r = await verifyDocumentSignatures({ cms, content: changed, ...trust() })
    expect(r.valid).toBe(false)
    expect(r.signers[0]).toMatchObject({ valid: false, code: 'ERR_DOCUMENT_CHANGED' })
    const byHash = await verifyDocumentSignatures({ cms, contentSha256: createHash('sha256').update(changed).digest(), ...trust() })
    expect(byHash.signers[0]?.code).toBe('ERR_DOCUMENT_CHANGED')
  })

  it('an untrusted root: ERR_UNTRUSTED_CHAIN', async () => {
    const cms = sign(alice, doc, ['-nodetach'])
    const r = await verifyDocumentSignatures({ cms, trustAnchors: [other.der], revocation: crlOf(other) })
    expect(r.signers[0]?.code).toBe('ERR_UNTRUSTED_CHAIN')
  })

  it('an unknown digest algorithm (SHA3-256): ERR_UNSUPPORTED_ALGORITHM', async () => {
    const input = writeTemp(doc)
    const cms = new Uint8Array(openssl(['cms', '-sign', '-binary', '-nodetach', '-md', 'sha3-256', '-in', input, '-signer', alice.certPath, '-inkey', alice.keyPath, '-outform', 'DER']))
    const r = await verifyDocumentSignatures({ cms, ...trust() })
    expect(r.signers[0]?.code).toBe('ERR_UNSUPPORTED_ALGORITHM')
  })

  it('an expired certificate without a timestamp: ERR_CERT_EXPIRED; with a timestamp made while valid: valid, with the note', async () => {
    const now = new Date()
    const shortLived = pki.issue(root, 'doc-short', {
      subject: personSubject('КЫСКА КЫСКА', '870101300053'),
      extensions: SIGN_EXTENSIONS,
      startdate: opensslDate(new Date(now.getTime() - 86400_000)),
      enddate: opensslDate(new Date(now.getTime() + 86400_000)),
    })
    const cms = sign(shortLived, doc, ['-nodetach', '-cades'])
    const later = new Date(now.getTime() + 3 * 86400_000)
    const untimed = await verifyDocumentSignatures({ cms, trustAnchors: [root.der], revocation: acceptWithoutRevocationCheck, now: later })
    expect(untimed.signers[0]?.code).toBe('ERR_CERT_EXPIRED')
    const timed = await verifyDocumentSignatures({ cms: tsa.timestamp(cms), trustAnchors: [root.der], revocation: acceptWithoutRevocationCheck, now: later })
    expect(timed.signers[0]).toMatchObject({ valid: true, level: 'CAdES-T', notes: [VerdictNote.ExpiredAfterTimestamp] })
  })

  it('revoked: ERR_CERT_REVOKED; revoked after a trusted timestamp: valid, and says so', async () => {
    const before = pki.issue(root, 'doc-rev-before', { subject: personSubject('БІРІНШІ БІРІНШІ', '870101300064'), extensions: SIGN_EXTENSIONS })
    const after = pki.issue(root, 'doc-rev-after', { subject: personSubject('ЕКІНШІ ЕКІНШІ', '870101300075'), extensions: SIGN_EXTENSIONS })
    const revokedFirst = sign(before, doc, ['-nodetach', '-cades'])
    pki.revoke(root, before, 'keyCompromise')
    const timedAfterRevocation = tsa.timestamp(revokedFirst)
    const timedThenRevoked = tsa.timestamp(sign(after, doc, ['-nodetach', '-cades']))
    pki.revoke(root, after, 'keyCompromise')
    // The index has second precision: move the second revocation an hour on, as if it came later.
    const index = `${root.dir}/index.txt`
    const later = opensslDate(new Date(Date.now() + 3600_000)).slice(2)
    writeFileSync(index, readFileSync(index, 'utf8').replace(/^(R\t\S+\t)\d{12}Z(,keyCompromise\t\S+\tunknown\t[^\n]*870101300075)/m, `$1${later}$2`))
    const revocation = crlOf(root)
    const r1 = await verifyDocumentSignatures({ cms: revokedFirst, trustAnchors: [root.der], revocation })
    expect(r1.signers[0]).toMatchObject({ valid: false, code: 'ERR_CERT_REVOKED' })
    const r2 = await verifyDocumentSignatures({ cms: timedAfterRevocation, trustAnchors: [root.der], revocation })
    expect(r2.signers[0]).toMatchObject({ valid: false, code: 'ERR_CERT_REVOKED' })
    const r3 = await verifyDocumentSignatures({ cms: timedThenRevoked, trustAnchors: [root.der], revocation })
    expect(r3.signers[0]).toMatchObject({ valid: true, level: 'CAdES-T', notes: [VerdictNote.RevokedAfterTimestamp] })
    expect(r3.signers[0]?.revocations[0]?.status).toBe('revoked')
  })

  it('a timestamp over another signature, or by a TSA under an untrusted root: ERR_TIMESTAMP_INVALID', async () => {
    const cms = sign(alice, doc, ['-nodetach', '-cades'])
    const wrong = tsa.timestamp(cms, 0, new Uint8Array([1, 2, 3]))
    const r = await verifyDocumentSignatures({ cms: wrong, ...trust() })
    expect(r.signers[0]).toMatchObject({ valid: false, code: 'ERR_TIMESTAMP_INVALID', details: { reason: 'ERR_SIGNATURE_INVALID' } })
    // (OpenSSL refuses to sign a token with a certificate lacking the critical timeStamping EKU: not testable with it.)
    const foreignTsa = new OpensslTsa(pki, pki.issue(other, 'doc-foreign-tsa', { subject: '/CN=Foreign TSA', extensions: TSA_EXTENSIONS }), other)
    const foreign = await verifyDocumentSignatures({ cms: foreignTsa.timestamp(cms), ...trust() })
    expect(foreign.signers[0]).toMatchObject({ valid: false, code: 'ERR_TIMESTAMP_INVALID', details: { reason: 'ERR_UNTRUSTED_CHAIN' } })
  })

  it('one good and one bad signer: the document is not valid, the good signer still is', async () => {
    const stranger = pki.issue(other, 'doc-stranger', { subject: personSubject('БӨТЕН БӨТЕН', '870101300086'), extensions: SIGN_EXTENSIONS })
    const cms = resign(sign(alice, doc, ['-nodetach', '-cades']), stranger)
    const r = await verifyDocumentSignatures({ cms, ...trust() })
    expect(r.valid).toBe(false)
    expect(r.signers.map((s) => `${s.identity.iin} ${s.code ?? 'ok'}`).sort()).toEqual(['870101300031 ok', '870101300086 ERR_UNTRUSTED_CHAIN'])
  })

  it('garbage, a truncated file, a detached signature without its document: thrown codes', async () => {
    const cms = sign(alice, doc, ['-cades'])
    const code = async (p: Promise<unknown>) => p.then(() => 'accepted', (e: unknown) => (isQoltanbaError(e) ? e.code : String(e)))
    expect(await code(verifyDocumentSignatures({ cms: new Uint8Array([1, 2, 3, 4]), content: doc, ...trust() }))).toBe('ERR_MALFORMED')
    expect(await code(verifyDocumentSignatures({ cms: cms.slice(0, cms.length - 20), content: doc, ...trust() }))).toBe('ERR_MALFORMED')
    expect(await code(verifyDocumentSignatures({ cms, ...trust() }))).toBe('ERR_DOCUMENT_REQUIRED')
  })
})
