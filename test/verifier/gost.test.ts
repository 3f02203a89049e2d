/**
 * The verifier with NCA's GOST keys (issue 23): sign-in and document CMS signed with a GOST-2004
 * key verify through chain, key usage and revocation exactly as RSA ones do, against a test GOST
 * root whose certificates and CRLs our code signs; real NCA GOST certificates, CRLs and OCSP
 * responses pass pkijs's checks through our engine; tampering fails with the usual codes.
 */
import * as pkijs from 'pkijs'
import { beforeAll, describe, expect, it } from 'vitest'
import { isQoltanbaError } from '../../src/core/errors.ts'
import { getEngine } from '../../src/pki/engine.ts'
import { signGostCms, GOST_2004, gostR341194 } from '../../src/pki/gost/index.ts'
import { AlgorithmOid, GostOid } from '../../src/pki/oids.ts'
import {
  acceptWithoutRevocationCheck,
  buildLoginPayload,
  createNonce,
  createTrustStore,
  localCrlChecker,
  parseCertificate,
  verifyLoginCms,
  verifyDocumentSignatures,
  verifySignedCms,
  type RevocationChecker,
} from '../../src/verifier/index.ts'
import { fixtureDer } from '../pki/gost/vectors.ts'
import { buildGostPki, gostCrl, type GostTestCert } from './helpers/gost-pki.ts'

const ORIGIN = 'https://rc.example.kz'
let pki: { root: GostTestCert; leaf: GostTestCert; signer: GostTestCert }

beforeAll(async () => {
  pki = await buildGostPki()
})

function login(cert: GostTestCert, mutate?: (cms: Uint8Array) => void) {
  const { bytes } = buildLoginPayload({ origin: ORIGIN, nonce: createNonce(), issuedAt: new Date() })
  const cms = signGostCms({ data: bytes, certificate: cert.der }, cert.key.key)
  mutate?.(cms)
  return { cms, bytes }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (e) {
    return isQoltanbaError(e) ? e.code : String(e)
  }
}

const crlRevocation = (revoked: string[] = []): RevocationChecker => localCrlChecker([gostCrl(pki.root, revoked)])

describe('sign-in with a GOST-2004 key', () => {
  it('verifies: chain to the GOST root, clientAuth, revocation by the root’s GOST-signed CRL', async () => {
    const { cms, bytes } = login(pki.leaf)
    const result = await verifyLoginCms({ cms, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: [pki.root.der], revocation: crlRevocation() })
    expect(result.iin).toBe('123456789011')
    expect(result.chain).toHaveLength(2)
    expect(result.revocation.status).toBe('good')
  })

  it('a revoked certificate is refused (the GOST CRL lists it)', async () => {
    const { cms, bytes } = login(pki.leaf)
    expect(await codeOf(verifyLoginCms({ cms, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: [pki.root.der], revocation: crlRevocation([pki.leaf.serialHex]) }))).toBe('ERR_CERT_REVOKED')
  })

  it('the signing certificate (no clientAuth) cannot sign in', async () => {
    const { cms, bytes } = login(pki.signer)
    expect(await codeOf(verifyLoginCms({ cms, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: [pki.root.der], revocation: acceptWithoutRevocationCheck }))).toBe('ERR_WRONG_KEY_USAGE')
  })

  it('a flipped signature byte, another root, a tampered payload: refused', async () => {
    const ok = login(pki.leaf)
    const opts = { expectedOrigin: ORIGIN, trustAnchors: [pki.root.der], revocation: acceptWithoutRevocationCheck }
    const flipped = ok.cms.slice()
    flipped[flipped.length - 5]! ^= 0x01 // inside the r‖s signature, the SignerInfo's last field
    expect(await codeOf(verifyLoginCms({ ...opts, cms: flipped, expectedPayload: ok.bytes }))).toBe('ERR_SIGNATURE_INVALID')
    const otherRoot = (await buildGostPki()).root
    expect(await codeOf(verifyLoginCms({ ...opts, cms: ok.cms, expectedPayload: ok.bytes, trustAnchors: [otherRoot.der] }))).toBe('ERR_UNTRUSTED_CHAIN')
  })

  it('the CMS names NCA’s GOST-2004 digest and signature algorithms', () => {
    const { cms } = login(pki.leaf)
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(cms as Uint8Array<ArrayBuffer>).content })
    expect(sd.signerInfos[0]!.digestAlgorithm.algorithmId).toBe(GOST_2004.digestOid)
    expect(sd.signerInfos[0]!.signatureAlgorithm.algorithmId).toBe(GOST_2004.signatureOid)
  })
})

describe('document signatures with a GOST-2004 key', () => {
  it('detached and attached verify; a changed document fails', async () => {
    const data = new TextEncoder().encode('Құжат / Документ')
    for (const detached of [true, false]) {
      const cms = signGostCms({ data, certificate: pki.signer.der, detached }, pki.signer.key.key)
      const result = await verifySignedCms({ cms, ...(detached ? { content: data } : {}), trustAnchors: [pki.root.der], revocation: crlRevocation() })
      expect(result.signer.der).toEqual(pki.signer.der)
    }
    const cms = signGostCms({ data, certificate: pki.signer.der, detached: true }, pki.signer.key.key)
    const changed = data.slice()
    changed[0]! ^= 1
    expect(await codeOf(verifySignedCms({ cms, content: changed, trustAnchors: [pki.root.der], revocation: crlRevocation() }))).toBe('ERR_SIGNATURE_INVALID')
  })
})

describe('a GOST document on /verify (verifyDocumentSignatures)', () => {
  const data = new TextEncoder().encode('Құжат / Документ: GOST 34.311-95')
  const sha256 = async (bytes: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
  const changedCopy = () => {
    const changed = data.slice()
    changed[3]! ^= 1
    return changed
  }
  const verify = (cms: Uint8Array, input: object) => verifyDocumentSignatures({ cms, trustAnchors: [pki.root.der], revocation: crlRevocation(), ...input })

  it('the document itself: valid; one changed byte is ERR_DOCUMENT_CHANGED (as for RSA), attached too', async () => {
    const cms = signGostCms({ data, certificate: pki.signer.der, detached: true }, pki.signer.key.key)
    const ok = await verify(cms, { content: data })
    expect(ok.valid).toBe(true)
    expect(ok.signers[0]?.digestAlgorithm).toBe(GostOid.digest34311)
    const changed = await verify(cms, { content: changedCopy() })
    expect(changed.valid).toBe(false)
    expect(changed.signers[0]?.code).toBe('ERR_DOCUMENT_CHANGED')
    const attached = signGostCms({ data, certificate: pki.signer.der, detached: false }, pki.signer.key.key)
    expect((await verify(attached, {})).valid).toBe(true)
  })

  it('digests by OID (what the page and the API hash): valid; a changed document’s digests are ERR_DOCUMENT_CHANGED', async () => {
    const cms = signGostCms({ data, certificate: pki.signer.der, detached: true }, pki.signer.key.key)
    const digestsOf = async (bytes: Uint8Array) => ({ [AlgorithmOid.sha256]: await sha256(bytes), [GostOid.digest34311]: gostR341194(bytes) })
    const ok = await verify(cms, { contentDigestsByOid: await digestsOf(data) })
    expect(ok.valid).toBe(true)
    expect(ok.document.sha256).toBe(Buffer.from(await sha256(data)).toString('hex'))
    // The older input (SHA-2 by name) still works beside it.
    expect((await verify(cms, { contentSha256: await sha256(data), contentDigestsByOid: { [GostOid.digest34311]: gostR341194(data) } })).valid).toBe(true)
    const changed = await verify(cms, { contentDigestsByOid: await digestsOf(changedCopy()) })
    expect(changed.signers[0]?.code).toBe('ERR_DOCUMENT_CHANGED')
  })

  it('only a SHA-256 for a GOST signer asks for the document; a GOST digest of the wrong length is malformed', async () => {
    const cms = signGostCms({ data, certificate: pki.signer.der, detached: true }, pki.signer.key.key)
    const onlySha = await verify(cms, { contentSha256: await sha256(data) })
    expect(onlySha.signers[0]?.code).toBe('ERR_DOCUMENT_REQUIRED')
    expect(await codeOf(verify(cms, { contentSha256: await sha256(data), contentDigestsByOid: { [GostOid.digest34311]: new Uint8Array(31) } }))).toBe('ERR_MALFORMED')
  })
})

describe('real NCA GOST objects through pkijs and our engine', () => {
  const ca2004 = pkijs.Certificate.fromBER(fixtureDer('ncanode/nca_gost_test.crt'))
  const ca2015 = pkijs.Certificate.fromBER(fixtureDer('ncanode/nca_gost2015_test.cer'))

  it('the 2004 certificate verifies with its CA; the CA’s CRL lists it or not, as NCA’s CRL says', async () => {
    const ceo = pkijs.Certificate.fromBER(fixtureDer('ncanode/ceo_valid_sign_2004_gost.cer'))
    expect(await ceo.verify(ca2004, getEngine())).toBe(true)
    expect(await ceo.verify(ca2015, getEngine()).catch(() => false)).toBe(false)
    const crl = fixtureDer('ncanode/nca_gost_test.crl')
    const result = await localCrlChecker([crl]).check(parseCertificate(fixtureDer('ncanode/ceo_valid_sign_2004_gost.cer')), parseCertificate(fixtureDer('ncanode/nca_gost_test.crt')), new Date('2022-03-29T12:00:00Z'))
    expect(['good', 'revoked']).toContain(result.status)
  })

  it.each([
    ['nca_gost_test.crl', 'nca_gost_test.crt'],
    ['nca_gost2022_test.crl', 'nca_gost2015_test.cer'],
  ])('CRL %s verifies with %s (GOST-2004 and GOST-2015-512)', async (crlFile, caFile) => {
    const crl = pkijs.CertificateRevocationList.fromBER(fixtureDer(`ncanode/${crlFile}`))
    expect(await crl.verify({ issuerCertificate: pkijs.Certificate.fromBER(fixtureDer(`ncanode/${caFile}`)) }, getEngine())).toBe(true)
  })

  it.each([
    ['ocsp_response_ceo_sign_2004_revoked.bin', ca2004],
    ['ocsp_response_individual_2015.bin', ca2015],
  ])('OCSP response %s verifies with its responder chain', async (file, ca) => {
    const response = pkijs.OCSPResponse.fromBER(fixtureDer(`ncanode/${file}`))
    const basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes!.response.valueBlock.valueHexView as Uint8Array<ArrayBuffer>)
    expect(await basic.verify({ trustedCerts: [ca] }, getEngine()).catch((e) => String(e))).not.toBe(false)
    const tampered = pkijs.BasicOCSPResponse.fromBER(response.responseBytes!.response.valueBlock.valueHexView as Uint8Array<ArrayBuffer>)
    const sig = new Uint8Array(tampered.signature.valueBlock.valueHexView)
    sig[3]! ^= 1
    tampered.signature.valueBlock.valueHexView = sig
    const verifyResponse = (r: pkijs.BasicOCSPResponse) =>
      getEngine().verifyWithPublicKey(r.tbsResponseData.tbsView as Uint8Array<ArrayBuffer>, r.signature, r.certs![0]!.subjectPublicKeyInfo, r.signatureAlgorithm)
    expect(await verifyResponse(tampered)).toBe(false)
    expect(await verifyResponse(basic)).toBe(true)
  })

  it('a trust store holds a GOST root', () => {
    expect(() => createTrustStore([fixtureDer('ncanode/nca_gost_test.crt')])).not.toThrow()
  })
})
