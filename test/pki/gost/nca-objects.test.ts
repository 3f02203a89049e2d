// Real NCA objects (test/fixtures/gost/ncanode, from NCANode's tests: GOST-2004 and GOST-2015
// certificates, CRLs and OCSP responses) verify with ours; every flipped byte of a signature and
// of the signed part fails. The sample GOSTKNCA .p12's key matches its certificate.
import * as pkijs from 'pkijs'
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { readPkcs12 } from '../../../src/pki/pkcs12/index.ts'
import { gostKeyMatchesSpki, gostSpkiOf, openGostPrivateKey, readGostPrivateKey, verifyGostSignature, GOST_2004, GOST_2015_512 } from '../../../src/pki/gost/index.ts'
import { isQoltanbaError } from '../../../src/core/errors.ts'
import { fixtureDer } from './vectors.ts'

interface Signed {
  name: string
  issuerSpki: Uint8Array
  algorithm: string
  tbs: Uint8Array
  signature: Uint8Array
}

const bytes = (b: ArrayBuffer | Uint8Array) => new Uint8Array(b instanceof Uint8Array ? b : new Uint8Array(b))
const cert = (path: string) => pkijs.Certificate.fromBER(fixtureDer(path))
const spkiOf = (c: pkijs.Certificate) => bytes(c.subjectPublicKeyInfo.toSchema().toBER())
const signedCert = (name: string, c: pkijs.Certificate, issuer: pkijs.Certificate): Signed => ({
  name,
  issuerSpki: spkiOf(issuer),
  algorithm: c.signatureAlgorithm.algorithmId,
  tbs: bytes(c.tbsView),
  signature: bytes(c.signatureValue.valueBlock.valueHexView),
})

const ca2004 = cert('ncanode/nca_gost_test.crt')
const ca2015 = cert('ncanode/nca_gost2015_test.cer')

function objects(): Signed[] {
  const out: Signed[] = [signedCert('GOST-2004 CEO certificate ← НУЦ 3.0 (GOST TEST)', cert('ncanode/ceo_valid_sign_2004_gost.cer'), ca2004)]
  for (const [file, issuer] of [
    ['nca_gost_test.crl', ca2004],
    ['nca_gost2022_test.crl', ca2015],
  ] as const) {
    const crl = pkijs.CertificateRevocationList.fromBER(fixtureDer(`ncanode/${file}`))
    out.push({ name: `CRL ${file}`, issuerSpki: spkiOf(issuer), algorithm: crl.signatureAlgorithm.algorithmId, tbs: bytes(crl.tbsView), signature: bytes(crl.signatureValue.valueBlock.valueHexView) })
  }
  for (const [file, issuer] of [
    ['ocsp_response_ceo_sign_2004_revoked.bin', ca2004],
    ['ocsp_response_individual_2015.bin', ca2015],
    ['ocsp_response_ceo_2015_revoked.bin', ca2015],
  ] as const) {
    const response = pkijs.OCSPResponse.fromBER(fixtureDer(`ncanode/${file}`))
    const basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes!.response.valueBlock.valueHexView as Uint8Array<ArrayBuffer>)
    const responder = basic.certs![0]!
    out.push(signedCert(`OCSP responder of ${file}`, responder, issuer))
    out.push({
      name: `OCSP response ${file}`,
      issuerSpki: spkiOf(responder),
      algorithm: basic.signatureAlgorithm.algorithmId,
      tbs: bytes(basic.tbsResponseData.toSchema().toBER()),
      signature: bytes(basic.signature.valueBlock.valueHexView),
    })
  }
  return out
}

const all = objects()

describe('real NCA GOST objects verify', () => {
  test.each(all.map((o) => [o.name, o] as const))('%s', (_name, o) => {
    expect([GOST_2004.signatureOid, GOST_2015_512.signatureOid]).toContain(o.algorithm)
    expect(verifyGostSignature(o.issuerSpki, o.algorithm, o.tbs, o.signature)).toBe(true)
  })

  test('both key generations are present', () => {
    expect(new Set(all.map((o) => o.algorithm))).toEqual(new Set([GOST_2004.signatureOid, GOST_2015_512.signatureOid]))
  })
})

describe('each flipped byte fails', () => {
  // One object per generation: every byte of the signature, and every 16th byte of the signed part.
  const picks = [all[0]!, all.find((o) => o.algorithm === GOST_2015_512.signatureOid)!]
  test.each(picks.map((o) => [o.name, o] as const))('%s', (_name, o) => {
    for (let i = 0; i < o.signature.length; i++) {
      const sig = o.signature.slice()
      sig[i]! ^= 0x01
      expect(verifyGostSignature(o.issuerSpki, o.algorithm, o.tbs, sig), `signature byte ${i}`).toBe(false)
    }
    for (let i = 0; i < o.tbs.length; i += 16) {
      const tbs = o.tbs.slice()
      tbs[i]! ^= 0x80
      expect(verifyGostSignature(o.issuerSpki, o.algorithm, tbs, o.signature), `signed byte ${i}`).toBe(false)
    }
  })

  test('the wrong issuer key fails', () => {
    const o = all[0]!
    expect(verifyGostSignature(spkiOf(cert('ncanode/ceo_valid_sign_2004_gost.cer')), o.algorithm, o.tbs, o.signature)).toBe(false)
  })
})

describe('the sample GOSTKNCA .p12 (GOST 34.310-2004)', async () => {
  const file = readFileSync(new URL('../../fixtures/nca-test-keys/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12', import.meta.url))
  const contents = await readPkcs12(new Uint8Array(file), 'Qwerty12')
  const certificate = pkijs.Certificate.fromBER(contents.certificates[0]!.der as Uint8Array<ArrayBuffer>)

  test('its key is d·G of the certificate’s public key, and signs what the certificate verifies', () => {
    const key = openGostPrivateKey(contents.keys[0]!.pkcs8)
    expect(key.algorithm).toBe(GOST_2004)
    expect(gostKeyMatchesSpki(key, spkiOf(certificate))).toBe(true)
    expect(gostKeyMatchesSpki(key, spkiOf(ca2004))).toBe(false)
    const message = new TextEncoder().encode('Qoltanba GOST sign-in')
    const signature = key.sign(message)
    expect(verifyGostSignature(spkiOf(certificate), GOST_2004.signatureOid, message, signature)).toBe(true)
    expect(verifyGostSignature(spkiOf(certificate), GOST_2004.signatureOid, message.subarray(1), signature)).toBe(false)
  })

  test('a 2015 key and a broken key are refused with typed errors', () => {
    const pkcs8 = contents.keys[0]!.pkcs8
    const code = (der: Uint8Array) => {
      try {
        readGostPrivateKey(der)
        return 'no error'
      } catch (e) {
        return isQoltanbaError(e) ? `${e.code}/${String(e.details.reason ?? '')}` : String(e)
      }
    }
    // Same structure with the 2015 key and curve OIDs (the last arcs 1.1.1 → 1.2.2): refused, not guessed.
    const as2015 = pkcs8.slice()
    const hexed = Buffer.from(as2015).toString('hex').replace('2a830e030a01010101', '2a830e030a01010202').replace('2a830e030a0101010101', '2a830e030a0101020201')
    expect(code(Buffer.from(hexed, 'hex'))).toBe('ERR_UNSUPPORTED_ALGORITHM/gost-key-format')
    expect(code(pkcs8.subarray(0, pkcs8.length - 1))).toBe('ERR_MALFORMED/')
    const zeroKey = pkcs8.slice()
    zeroKey.fill(0, pkcs8.length - 32)
    expect(code(zeroKey)).toBe('ERR_MALFORMED/scalar-out-of-range')
  })
})

test('gostSpkiOf writes the sample certificate’s SubjectPublicKeyInfo byte for byte', async () => {
  const file = readFileSync(new URL('../../fixtures/nca-test-keys/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12', import.meta.url))
  const contents = await readPkcs12(new Uint8Array(file), 'Qwerty12')
  const certificate = pkijs.Certificate.fromBER(contents.certificates[0]!.der as Uint8Array<ArrayBuffer>)
  expect(Buffer.from(gostSpkiOf(openGostPrivateKey(contents.keys[0]!.pkcs8))).toString('hex')).toBe(Buffer.from(spkiOf(certificate)).toString('hex'))
})
