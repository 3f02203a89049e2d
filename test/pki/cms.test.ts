import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signCms, verifyCms } from '../../src/pki/cms.ts'
import { compareDer } from '../../src/pki/cms-attributes.ts'
import { toArrayBuffer } from '../../src/pki/asn1.ts'
import { fromPem } from '../../src/pki/pem.ts'
import { importPrivateKey } from '../../src/pki/private-key.ts'
import { openssl, type OpenSsl } from './openssl.ts'

let ossl: OpenSsl
const data = new TextEncoder().encode('Қол қойылатын құжат — документ на подпись\n')
const pemDer = (name: string) => fromPem(new TextDecoder().decode(ossl.read(name)))[0]!.der
const signers = ['rsa', 'p256'] as const
type Signer = (typeof signers)[number]
const keyOf = async (s: Signer) => importPrivateKey(pemDer(`${s}.key`), 'sign')

beforeAll(() => {
  ossl = openssl()
  ossl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '30', '-subj', '/C=KZ/CN=CMS Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  ossl.write('leaf.ext', 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\n')
  const keyArgs: Record<Signer, string[]> = { rsa: ['-newkey', 'rsa:2048'], p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] }
  for (const s of signers) {
    ossl.run(['req', '-new', ...keyArgs[s], '-nodes', '-keyout', `${s}.key`, '-out', `${s}.csr`, '-utf8', '-subj', `/CN=ТЕСТОВ ${s}/serialNumber=IIN900101300017/C=KZ`])
    ossl.run(['x509', '-req', '-in', `${s}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-sha256',
      '-extfile', 'leaf.ext', '-out', `${s}.pem`])
  }
  ossl.write('doc.txt', data)
})
afterAll(() => ossl.cleanup())

describe('signCms → openssl cms -verify', () => {
  it.each(signers.flatMap((s) => [[s, false], [s, true]] as const))('%s detached=%s', async (s, detached) => {
    const cms = await signCms({ data, privateKey: await keyOf(s), certificate: pemDer(`${s}.pem`), detached })
    const file = ossl.write(`ours-${s}-${detached}.p7s`, cms)
    const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', file, '-CAfile', 'ca.pem', '-purpose', 'any', '-out', `out-${s}-${detached}.txt`]
    const out = ossl.run(detached ? [...args, '-content', 'doc.txt'] : args)
    expect(out).toContain('Verification successful')
    expect(ossl.read(`out-${s}-${detached}.txt`)).toEqual(data)
    // OpenSSL also sees all four signed attributes.
    const dump = ossl.run(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file, '-noout'])
    for (const attr of ['contentType', 'signingTime', 'messageDigest', 'id-smime-aa-signingCertificateV2']) expect(dump).toContain(attr)
    // We verify our own output too.
    const ours = await verifyCms(cms, detached ? { data } : {})
    expect(ours).toMatchObject({ valid: true, digestAlgorithm: 'SHA-256', signer: { iin: '900101300017' } })
    expect(ours.content).toEqual(data)
  })

  it('signed attributes are in DER order', async () => {
    const cms = await signCms({ data, privateKey: await keyOf('p256'), certificate: pemDer('p256.pem') })
    const ci = pkijs.ContentInfo.fromBER(cms)
    const sd = new pkijs.SignedData({ schema: ci.content })
    const encodings = sd.signerInfos[0]!.signedAttrs!.attributes.map((a) => new Uint8Array(a.toSchema().toBER(false)))
    expect(encodings).toHaveLength(4)
    const sorted = [...encodings].sort(compareDer)
    expect(encodings).toEqual(sorted)
    expect(sd.signerInfos[0]!.signatureAlgorithm.algorithmId).toBe('1.2.840.10045.4.3.2')
  })

  it('reports the signing time and rejects tampered content', async () => {
    const when = new Date('2031-05-06T07:08:09.123Z')
    const cms = await signCms({ data, privateKey: await keyOf('rsa'), certificate: pemDer('rsa.pem'), detached: true, signingTime: when })
    const ok = await verifyCms(cms, { data })
    expect(ok.signingTime).toEqual(new Date('2031-05-06T07:08:09Z'))
    expect(ok.signatureAlgorithm).toBe('sha256WithRSAEncryption')
    const bad = await verifyCms(cms, { data: new TextEncoder().encode('другой документ') })
    expect(bad).toMatchObject({ valid: false, failure: 'digest' })
    await expect(verifyCms(cms)).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })

  it('a signature by another key is invalid', async () => {
    // Sign with the P-256 key but name the RSA certificate: the signature cannot verify.
    const wrong = await signCms({ data, privateKey: await keyOf('p256'), certificate: pemDer('p256.pem') })
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(wrong).content })
    const sig = sd.signerInfos[0]!.signature.valueBlock.valueHexView.slice()
    sig[sig.length - 1]! ^= 0x01
    sd.signerInfos[0]!.signature = new asn1js.OctetString({ valueHex: sig.buffer })
    const tampered = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: sd.toSchema(true) }).toSchema().toBER(false)
    await expect(verifyCms(new Uint8Array(tampered))).resolves.toMatchObject({ valid: false, failure: 'signature' })
  })
})

describe('ESS signingCertificate binding (v1 and v2)', () => {
  // A twin: the same key, issuer and serial as p256.pem, but other bytes (validity), so only the
  // ESS certificate hash tells the two apart.
  beforeAll(() => {
    const serial = ossl.run(['x509', '-in', 'p256.pem', '-noout', '-serial']).trim().replace('serial=', '')
    ossl.run(['x509', '-req', '-in', 'p256.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${serial}`, '-days', '10',
      '-sha256', '-out', 'p256-twin.pem'])
  })
  const withTwin = (cms: Uint8Array) => {
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(toArrayBuffer(cms)).content })
    sd.certificates = [pkijs.Certificate.fromBER(pemDer('p256-twin.pem'))]
    return new Uint8Array(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: sd.toSchema(true) }).toSchema().toBER(false))
  }
  const signedAttrTypes = (cms: Uint8Array) =>
    new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(toArrayBuffer(cms)).content }).signerInfos[0]!.signedAttrs!.attributes.map((a) => a.type)

  it('v2 (ours): a certificate with the same key, issuer and serial but other bytes is caught', async () => {
    const cms = await signCms({ data, privateKey: await keyOf('p256'), certificate: pemDer('p256.pem') })
    await expect(verifyCms(withTwin(cms))).resolves.toMatchObject({ valid: false, failure: 'signing-certificate' })
  })

  it('v1 (openssl -cades -md sha1, SHA-1 ESSCertID): verifies, and the twin certificate is caught', async () => {
    ossl.run(['cms', '-sign', '-binary', '-nodetach', '-cades', '-md', 'sha1', '-in', 'doc.txt', '-signer', 'p256.pem', '-inkey', 'p256.key',
      '-outform', 'DER', '-out', 'cades-v1.p7s'])
    const cms = ossl.read('cades-v1.p7s')
    expect(signedAttrTypes(cms)).toContain('1.2.840.113549.1.9.16.2.12')
    expect(signedAttrTypes(cms)).not.toContain('1.2.840.113549.1.9.16.2.47')
    await expect(verifyCms(cms)).resolves.toMatchObject({ valid: true, digestAlgorithm: 'SHA-1' })
    await expect(verifyCms(withTwin(cms))).resolves.toMatchObject({ valid: false, failure: 'signing-certificate' })
  })
})

describe('openssl cms -sign → verifyCms', () => {
  it.each(signers.flatMap((s) => [[s, false], [s, true]] as const))('%s detached=%s', async (s, detached) => {
    const out = `theirs-${s}-${detached}.p7s`
    ossl.run(['cms', '-sign', '-binary', ...(detached ? [] : ['-nodetach']), '-md', 'sha256', '-in', 'doc.txt', '-signer', `${s}.pem`,
      '-inkey', `${s}.key`, '-certfile', 'ca.pem', '-outform', 'DER', '-out', out])
    const res = await verifyCms(ossl.read(out), detached ? { data } : {})
    expect(res).toMatchObject({ valid: true, digestAlgorithm: 'SHA-256', signer: { subject: { commonName: `ТЕСТОВ ${s}` } } })
    expect(res.content).toEqual(data)
    expect(res.signerCertificate).toEqual(pemDer(`${s}.pem`))
    expect(res.signingTime).toBeInstanceOf(Date)
  })

  it('openssl -cades (signingCertificateV2) verifies', async () => {
    ossl.run(['cms', '-sign', '-binary', '-cades', '-md', 'sha256', '-in', 'doc.txt', '-signer', 'rsa.pem', '-inkey', 'rsa.key',
      '-outform', 'DER', '-out', 'cades.p7s'])
    expect(await verifyCms(ossl.read('cades.p7s'), { data })).toMatchObject({ valid: true })
  })

  it('a CMS without the signer certificate needs it passed in', async () => {
    ossl.run(['cms', '-sign', '-binary', '-nocerts', '-md', 'sha256', '-in', 'doc.txt', '-signer', 'p256.pem', '-inkey', 'p256.key',
      '-outform', 'DER', '-out', 'nocerts.p7s'])
    await expect(verifyCms(ossl.read('nocerts.p7s'), { data })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
    expect(await verifyCms(ossl.read('nocerts.p7s'), { data, certificates: [pemDer('p256.pem')] })).toMatchObject({ valid: true })
  })

  it('a size cap applies and can be raised', async () => {
    const big = new Uint8Array(11 * 1024 * 1024).fill(0x61)
    const cms = await signCms({ data: big, privateKey: await keyOf('p256'), certificate: pemDer('p256.pem') })
    await expect(verifyCms(cms)).rejects.toMatchObject({ code: 'ERR_TOO_LARGE' })
    expect(await verifyCms(cms, { maxBytes: 12 * 1024 * 1024 })).toMatchObject({ valid: true })
  })

  it('a GOST signer is ERR_UNSUPPORTED_ALGORITHM with details.gost', async () => {
    const cms = await signCms({ data, privateKey: await keyOf('p256'), certificate: pemDer('p256.pem') })
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(toArrayBuffer(cms)).content })
    sd.signerInfos[0]!.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.398.3.10.1.1.1.2' })
    const gost = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: sd.toSchema(true) }).toSchema().toBER(false)
    await expect(verifyCms(new Uint8Array(gost))).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_ALGORITHM', details: { gost: true } })
  })

  it('garbage and non-SignedData are ERR_MALFORMED', async () => {
    await expect(verifyCms(new Uint8Array([0x30, 0x03, 0x02, 0x01]))).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
    await expect(verifyCms(pemDer('ca.pem'))).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })
})
