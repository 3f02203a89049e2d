/**
 * The ESS signing-certificate binding (RFC 2634 signingCertificate, RFC 5035 signingCertificateV2):
 * when a CMS names its signer certificate in a signed attribute, the certificate that verified the
 * signature must be that one. The attack: two certificates for one key (a re-issue, or another CA
 * that certified the same key); the signer names one, the CMS is re-packed with the other. OpenSSL
 * (`openssl cms -verify -cades`, which checks the ESS attributes) is the independent checker.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signCms } from '../../src/pki/cms.ts'
import { signedAttributes, sortAttributes } from '../../src/pki/cms-attributes.ts'
import { AlgorithmOid, CmsOid } from '../../src/pki/oids.ts'
import { acceptWithoutRevocationCheck, buildLoginPayload, createNonce, parseSignedData, verifyLoginCms, verifySignedCms } from '../../src/verifier/index.ts'
import { AUTH_EXTENSIONS, OpensslPki, openssl, type CaDir, type IssuedCert } from './helpers/openssl-pki.ts'
import { personSubject } from './helpers/signin-pki.ts'

const ORIGIN = 'https://rc.example.kz'
let pki: OpensslPki
let root: CaDir
/** `a` and `a2` certify the same RSA key; `b` is another person's; `ec` is a P-256 leaf. */
let a: IssuedCert, a2: IssuedCert, b: IssuedCert, ec: IssuedCert

beforeAll(() => {
  pki = new OpensslPki()
  root = pki.rootCa('ess-root', { subject: '/C=KZ/O=Qoltanba Test/CN=ESS Test Root' })
  const leaf = (name: string, iin: string, opts: { keyPath?: string; keyType?: 'p256' } = {}) =>
    pki.issue(root, name, { subject: personSubject('ТЕСТОВ ТЕСТ', iin), extensions: AUTH_EXTENSIONS, ...opts })
  a = leaf('ess-a', '870101300021')
  a2 = leaf('ess-a2', '870101300021', { keyPath: a.keyPath })
  b = leaf('ess-b', '870101300022')
  ec = leaf('ess-ec', '870101300023', { keyType: 'p256' })
})

afterAll(() => pki?.dispose())

function issue() {
  return buildLoginPayload({ origin: ORIGIN, nonce: createNonce(), issuedAt: new Date() }).bytes
}

function login(cms: Uint8Array, bytes: Uint8Array) {
  return verifyLoginCms({ cms, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: [root.der], revocation: acceptWithoutRevocationCheck })
}

/**
 * `openssl cms -verify -cades` against the root: true when OpenSSL accepts signature, chain and
 * ESS binding (with -cades OpenSSL also demands the attribute, so only use it on CMS that have one).
 */
function opensslAccepts(cms: Uint8Array): boolean {
  const file = pki.path(`ess-${Math.random().toString(36).slice(2)}.p7m`)
  writeFileSync(file, cms)
  try {
    openssl(['cms', '-verify', '-cades', '-CAfile', root.certPath, '-purpose', 'any', '-binary', '-inform', 'DER', '-in', file, '-out', '/dev/null'])
    return true
  } catch {
    return false
  }
}

/** Puts `other` in as the signer certificate (and sid), keeping signature and signed attributes. */
function swapSigner(cms: Uint8Array, other: Uint8Array): Uint8Array {
  const ci = pkijs.ContentInfo.fromBER(cms as Uint8Array<ArrayBuffer>)
  const sd = new pkijs.SignedData({ schema: ci.content })
  const cert = pkijs.Certificate.fromBER(other as Uint8Array<ArrayBuffer>)
  sd.certificates = [cert]
  ;(sd.signerInfos[0] as pkijs.SignerInfo).sid = new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber })
  return new Uint8Array(new pkijs.ContentInfo({ contentType: ci.contentType, content: sd.toSchema(true) }).toSchema().toBER(false))
}

async function importKey(leaf: IssuedCert, ecdsa = false): Promise<CryptoKey> {
  const pem = readFileSync(leaf.keyPath, 'utf8') // genpkey writes PKCS#8
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  const alg = ecdsa ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
  return crypto.subtle.importKey('pkcs8', der, alg, false, ['sign'])
}

async function digest(name: string, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(name, data as Uint8Array<ArrayBuffer>))
}

function certOf(leaf: IssuedCert): pkijs.Certificate {
  return pkijs.Certificate.fromBER(leaf.der as Uint8Array<ArrayBuffer>)
}

interface CertIdSpec {
  readonly hash: Uint8Array
  /** ESSCertIDv2 hashAlgorithm, written out (omitted = DEFAULT SHA-256). */
  readonly hashOid?: string
  /** issuerSerial naming this certificate. */
  readonly issuerSerialOf?: pkijs.Certificate
}

/** A signingCertificate (v1) or signingCertificateV2 attribute with the ESSCertIDs given. */
function essAttribute(type: string, ids: readonly CertIdSpec[]): pkijs.Attribute {
  const certIds = ids.map(
    (id) =>
      new asn1js.Sequence({
        value: [
          ...(id.hashOid ? [new pkijs.AlgorithmIdentifier({ algorithmId: id.hashOid }).toSchema()] : []),
          new asn1js.OctetString({ valueHex: id.hash.slice().buffer }),
          ...(id.issuerSerialOf
            ? [
                new pkijs.IssuerSerial({
                  issuer: new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: id.issuerSerialOf.issuer })] }),
                  serialNumber: id.issuerSerialOf.serialNumber,
                }).toSchema(),
              ]
            : []),
        ],
      }),
  )
  return new pkijs.Attribute({ type, values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: certIds })] })] })
}

/** Signs `data` with `signer`'s key and certificate, with contentType, signingTime, messageDigest and `ess`. */
async function signWithAttributes(signer: IssuedCert, data: Uint8Array, ess: readonly pkijs.Attribute[]): Promise<Uint8Array> {
  const cert = certOf(signer)
  const base = signedAttributes({
    contentType: CmsOid.data,
    messageDigest: await digest('SHA-256', data),
    signingTime: new Date(),
    certificate: cert,
    certificateSha256: new Uint8Array(32),
  }).filter((attr) => attr.type !== CmsOid.signingCertificateV2)
  const sd = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: CmsOid.data }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: sortAttributes([...base, ...ess]) }),
      }),
    ],
    certificates: [cert],
  })
  sd.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: data.slice().buffer })
  await sd.sign(await importKey(signer), 0, 'SHA-256')
  return new Uint8Array(new pkijs.ContentInfo({ contentType: CmsOid.signedData, content: sd.toSchema(true) }).toSchema().toBER(false))
}

describe('ESS signing-certificate binding: accepted', () => {
  it.each([
    ['RSA, DER (fast path)', false, false],
    ['RSA, BER indefinite lengths (pkijs path)', false, true],
    ['P-256, DER (fast path)', true, false],
    ['P-256, BER indefinite lengths (pkijs path)', true, true],
  ])('accepts openssl cms -sign -cades (%s)', async (_name, isEc, stream) => {
    const bytes = issue()
    const cms = pki.cmsSign(isEc ? ec : a, bytes, { cades: true, stream })
    expect(cms[1] === 0x80).toBe(stream)
    expect(parseSignedData(cms).signingCertificates.map((x) => x.type)).toEqual([CmsOid.signingCertificateV2])
    await expect(login(cms, bytes)).resolves.toMatchObject({ iin: isEc ? '870101300023' : '870101300021' })
  })

  it('accepts our own signCms output, which carries signingCertificateV2 with issuerSerial', async () => {
    const bytes = issue()
    const cms = await signCms({ data: bytes, privateKey: await importKey(a), certificate: a.der })
    expect(parseSignedData(cms).signingCertificates.map((x) => x.type)).toEqual([CmsOid.signingCertificateV2])
    expect(opensslAccepts(cms)).toBe(true)
    await expect(login(cms, bytes)).resolves.toMatchObject({ iin: '870101300021' })
    const ecCms = await signCms({ data: bytes, privateKey: await importKey(ec, true), certificate: ec.der })
    await expect(login(ecCms, bytes)).resolves.toMatchObject({ iin: '870101300023' })
  })

  it('accepts a CMS without the attribute, even re-packed with another certificate for the same key', async () => {
    const bytes = issue()
    const cms = swapSigner(pki.cmsSign(a2, bytes), a.der)
    expect(parseSignedData(cms).signingCertificates).toEqual([])
    await expect(login(cms, bytes)).resolves.toMatchObject({ iin: '870101300021' })
  })

  it('accepts signingCertificate v1 (SHA-1 ESSCertID), v2 with SHA-384 written out, and both together', async () => {
    const bytes = issue()
    const cert = certOf(a)
    const v1 = essAttribute(CmsOid.signingCertificate, [{ hash: await digest('SHA-1', a.der), issuerSerialOf: cert }])
    const v2 = essAttribute(CmsOid.signingCertificateV2, [{ hash: await digest('SHA-384', a.der), hashOid: AlgorithmOid.sha384, issuerSerialOf: cert }])
    for (const ess of [[v1], [v2], [v1, v2]]) {
      const cms = await signWithAttributes(a, bytes, ess)
      expect(opensslAccepts(cms)).toBe(true)
      await expect(login(cms, bytes)).resolves.toMatchObject({ iin: '870101300021' })
    }
  })

  it('checks the attribute for document signatures too (verifySignedCms)', async () => {
    const bytes = issue()
    const good = pki.cmsSign(a, bytes, { cades: true })
    await expect(verifySignedCms({ cms: good, trustAnchors: [root.der], revocation: acceptWithoutRevocationCheck })).resolves.toBeTruthy()
    const swapped = swapSigner(pki.cmsSign(a2, bytes, { cades: true }), a.der)
    await expect(verifySignedCms({ cms: swapped, trustAnchors: [root.der], revocation: acceptWithoutRevocationCheck })).rejects.toMatchObject({
      code: 'ERR_SIGNING_CERT_MISMATCH',
    })
  })
})

describe('ESS signing-certificate binding: refused', () => {
  it.each([
    ['DER (fast path)', false],
    ['BER indefinite lengths (pkijs path)', true],
  ])('refuses a -cades CMS re-packed with another certificate for the same key (%s)', async (_name, stream) => {
    const bytes = issue()
    const cms = swapSigner(pki.cmsSign(a2, bytes, { cades: true, stream }), a.der)
    expect(cms[1] === 0x80).toBe(stream)
    expect(opensslAccepts(cms)).toBe(false)
    await expect(login(cms, bytes)).rejects.toMatchObject({ code: 'ERR_SIGNING_CERT_MISMATCH', details: { attribute: 'signingCertificateV2' } })
  })

  it('refuses a signCms token re-packed with another certificate for the same key', async () => {
    const bytes = issue()
    const cms = swapSigner(await signCms({ data: bytes, privateKey: await importKey(a), certificate: a2.der }), a.der)
    await expect(login(cms, bytes)).rejects.toMatchObject({ code: 'ERR_SIGNING_CERT_MISMATCH' })
  })

  it('refuses a certificate hash naming another certificate', async () => {
    const bytes = issue()
    const cms = await signWithAttributes(a, bytes, [essAttribute(CmsOid.signingCertificateV2, [{ hash: await digest('SHA-256', b.der) }])])
    expect(opensslAccepts(cms)).toBe(false)
    await expect(login(cms, bytes)).rejects.toMatchObject({ code: 'ERR_SIGNING_CERT_MISMATCH' })
  })

  it('refuses the right hash with another certificate’s issuerSerial', async () => {
    const bytes = issue()
    const cms = await signWithAttributes(a, bytes, [
      essAttribute(CmsOid.signingCertificateV2, [{ hash: await digest('SHA-256', a.der), issuerSerialOf: certOf(b) }]),
    ])
    expect(opensslAccepts(cms)).toBe(false)
    await expect(login(cms, bytes)).rejects.toMatchObject({ code: 'ERR_SIGNING_CERT_MISMATCH' })
  })

  it('refuses a wrong SHA-1 ESSCertID (signingCertificate v1), even next to a right v2', async () => {
    const bytes = issue()
    const v1 = essAttribute(CmsOid.signingCertificate, [{ hash: await digest('SHA-1', b.der) }])
    const v2 = essAttribute(CmsOid.signingCertificateV2, [{ hash: await digest('SHA-256', a.der) }])
    const cms = await signWithAttributes(a, bytes, [v1, v2])
    await expect(login(cms, bytes)).rejects.toMatchObject({ code: 'ERR_SIGNING_CERT_MISMATCH', details: { attribute: 'signingCertificate' } })
  })

  it('judges the first ESSCertIDv2 only (it names the signer; later ones name the chain)', async () => {
    const bytes = issue()
    const right = { hash: await digest('SHA-256', a.der) }
    const wrong = { hash: await digest('SHA-256', b.der) }
    await expect(login(await signWithAttributes(a, bytes, [essAttribute(CmsOid.signingCertificateV2, [right, wrong])]), bytes)).resolves.toBeTruthy()
    await expect(login(await signWithAttributes(a, bytes, [essAttribute(CmsOid.signingCertificateV2, [wrong, right])]), bytes)).rejects.toMatchObject({
      code: 'ERR_SIGNING_CERT_MISMATCH',
    })
  })

  it('refuses an unknown ESSCertIDv2 hash, a repeated attribute and an empty certificate list', async () => {
    const bytes = issue()
    const md5 = essAttribute(CmsOid.signingCertificateV2, [{ hash: new Uint8Array(16), hashOid: '1.2.840.113549.2.5' }])
    await expect(login(await signWithAttributes(a, bytes, [md5]), bytes)).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_ALGORITHM' })
    const right = essAttribute(CmsOid.signingCertificateV2, [{ hash: await digest('SHA-256', a.der) }])
    const twice = await signWithAttributes(a, bytes, [right, essAttribute(CmsOid.signingCertificateV2, [{ hash: await digest('SHA-256', a.der) }])])
    await expect(login(twice, bytes)).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
    const empty = await signWithAttributes(a, bytes, [essAttribute(CmsOid.signingCertificateV2, [])])
    await expect(login(empty, bytes)).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })

  it('reports a bad signature before looking at the attribute', async () => {
    const bytes = issue()
    const cms = swapSigner(pki.cmsSign(b, bytes, { cades: true }), a.der)
    await expect(login(cms, bytes)).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' })
  })
})
