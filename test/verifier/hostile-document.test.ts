/**
 * verifyDocumentSignatures on hostile bytes: every single-byte change and every truncation of a
 * co-signed CAdES-T document signature with a countersignature (timestamp token, ESS attributes,
 * unsigned attributes, two signers) either yields verdicts or throws a QoltanbaError with a code
 * — never another error (the API's "never a 500"); a changed document byte is never valid.
 */
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isQoltanbaError } from '../../src/core/errors.ts'
import { localCrlChecker, parseSignedDataSigners, verifyDocumentSignatures, type RevocationChecker } from '../../src/verifier/index.ts'
import { OpensslPki, openssl, type CaDir } from './helpers/openssl-pki.ts'
import { addCountersignature, OpensslTsa, TSA_EXTENSIONS } from './helpers/openssl-tsa.ts'
import { personSubject } from './helpers/signin-pki.ts'

const SIGN = ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,nonRepudiation', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid']
let pki: OpensslPki
let root: CaDir
let cms: Uint8Array
let revocation: RevocationChecker
const doc = new TextEncoder().encode('hostile document')

beforeAll(() => {
  pki = new OpensslPki()
  root = pki.rootCa('hostile-doc-root')
  const a = pki.issue(root, 'hostile-a', { subject: personSubject('А А', '870101300145'), extensions: SIGN, keyType: 'p256' })
  const b = pki.issue(root, 'hostile-b', { subject: personSubject('Б Б', '870101300156'), extensions: SIGN, keyType: 'p256' })
  const tsa = new OpensslTsa(pki, pki.issue(root, 'hostile-tsa', { subject: '/CN=Hostile TSA', extensions: TSA_EXTENSIONS, keyType: 'p256' }), root)
  const input = pki.path('hostile-doc')
  writeFileSync(input, doc)
  const signed = pki.path('hostile-one.p7s')
  openssl(['cms', '-sign', '-binary', '-nodetach', '-cades', '-md', 'sha256', '-in', input, '-signer', a.certPath, '-inkey', a.keyPath, '-outform', 'DER', '-out', signed])
  const both = new Uint8Array(openssl(['cms', '-resign', '-binary', '-nodetach', '-cades', '-md', 'sha256', '-inform', 'DER', '-in', signed, '-signer', b.certPath, '-inkey', b.keyPath, '-outform', 'DER']))
  const timed = tsa.timestamp(both, 0)
  const value = parseSignedDataSigners(timed)[1]!.signatureValue
  const counter = new Uint8Array(openssl(['cms', '-sign', '-binary', '-noattr', '-md', 'sha256', '-signer', a.certPath, '-inkey', a.keyPath, '-outform', 'DER'], value))
  cms = addCountersignature(timed, 1, counter)
  revocation = localCrlChecker([pki.crl(root)])
})
afterAll(() => pki?.dispose())

async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    const r = await verifyDocumentSignatures({ cms: bytes, trustAnchors: [root.der], revocation })
    return r.valid && r.signers.every((s) => s.countersignatures.every((c) => c.valid)) ? 'valid' : 'verdicts'
  } catch (e) {
    if (isQoltanbaError(e)) return e.code
    throw e
  }
}

describe('verifyDocumentSignatures on hostile bytes', () => {
  it('the untouched signature is valid, countersignature included', async () => {
    expect(await outcome(cms)).toBe('valid')
  })

  it('every single-byte change: verdicts or a code, never another error; the document never passes changed', async () => {
    const at = Buffer.from(cms).indexOf(Buffer.from(doc))
    expect(at).toBeGreaterThan(0)
    const seen = new Map<string, number>()
    for (let i = 0; i < cms.length; i++) {
      const changed = cms.slice()
      changed[i] = (changed[i] as number) ^ 0x5a
      const o = await outcome(changed) // throws on anything but a QoltanbaError
      // Bytes no signature covers and nothing reads may change freely (the SignedData's digestAlgorithms
      // hint, a root certificate copied into the timestamp token where the anchor is used): those stay valid.
      if (i >= at && i < at + doc.length) expect(o, `document byte ${i - at}`).not.toBe('valid')
      seen.set(o, (seen.get(o) ?? 0) + 1)
    }
    expect(seen.get('ERR_MALFORMED')).toBeGreaterThan(0)
    expect(seen.get('verdicts')).toBeGreaterThan(0)
  }, 120_000)

  it('every truncation: a code or verdicts, never another error', async () => {
    for (let n = 0; n < cms.length; n += 7) expect(await outcome(cms.slice(0, n))).not.toBe('valid')
  }, 60_000)
})
