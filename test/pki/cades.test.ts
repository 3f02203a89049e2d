/**
 * The CAdES builder against OpenSSL: precomputed-digest (streamed) signatures, co-signing,
 * countersignatures and CAdES-T with a token OpenSSL's own TSA (`openssl ts -reply`) makes.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signCms } from '../../src/pki/cms.ts'
import { mergeSignatures } from '../../src/pki/cades-cosign.ts'
import { countersignCms, countersignaturesOf } from '../../src/pki/cades-countersign.ts'
import { addSignatureTimestamp, hasSignatureTimestamp, readTimestampToken, signatureTimestampImprint } from '../../src/pki/cades-timestamp.ts'
import { createTimestampRequest, readTimestampResponse } from '../../src/pki/tsp.ts'
import { toArrayBuffer } from '../../src/pki/asn1.ts'
import { getEngine } from '../../src/pki/engine.ts'
import { fromPem } from '../../src/pki/pem.ts'
import { importPrivateKey } from '../../src/pki/private-key.ts'
import { toHex } from '../../src/core/bytes.ts'
import { openssl, type OpenSsl } from './openssl.ts'

let ossl: OpenSsl
const data = new TextEncoder().encode('Шарт — договор № 7, екі тарап қол қояды\n')
const pemDer = (name: string) => fromPem(new TextDecoder().decode(ossl.read(name)))[0]!.der
const signers = ['rsa', 'p256'] as const
type Who = (typeof signers)[number]
const keyOf = async (s: Who) => importPrivateKey(pemDer(`${s}.key`), 'sign')
const sha256 = async (b: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', toArrayBuffer(b)))
const signedDataOf = (cms: Uint8Array) => new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(toArrayBuffer(cms)).content })

/** openssl cms -verify of every signer; detached signatures get the document as -content. */
function opensslVerify(cms: Uint8Array, name: string, detached: boolean): string {
  const file = ossl.write(name, cms)
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', file, '-CAfile', 'ca.pem', '-purpose', 'any', '-out', `${name}.out`]
  const out = ossl.run(detached ? [...args, '-content', 'doc.txt'] : args)
  expect(ossl.read(`${name}.out`)).toEqual(data)
  return out
}

/** A token from OpenSSL's TSA for `imprint`, through our request and reply checks. */
function opensslTimestamp(der: Uint8Array, name: string): Uint8Array {
  ossl.write(`${name}.tsq`, der)
  ossl.run(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', `${name}.tsq`, '-inkey', 'tsa.key', '-signer', 'tsa.pem', '-out', `${name}.tsr`])
  return ossl.read(`${name}.tsr`)
}

beforeAll(() => {
  ossl = openssl('qoltanba-cades-')
  ossl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-days', '30', '-subj', '/C=KZ/CN=CAdES Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
  ossl.write('leaf.ext', 'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\nsubjectKeyIdentifier=hash\n')
  ossl.write('tsa.ext', 'keyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\n')
  const keyArgs: Record<Who | 'tsa', string[]> = {
    rsa: ['-newkey', 'rsa:2048'],
    p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    tsa: ['-newkey', 'rsa:2048'],
  }
  for (const s of [...signers, 'tsa'] as const) {
    ossl.run(['req', '-new', ...keyArgs[s], '-nodes', '-keyout', `${s}.key`, '-out', `${s}.csr`, '-utf8', '-subj', `/CN=ҚОЛТАҢБА ${s}/serialNumber=IIN900101300017/C=KZ`])
    ossl.run(['x509', '-req', '-in', `${s}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-sha256',
      '-extfile', s === 'tsa' ? 'tsa.ext' : 'leaf.ext', '-out', `${s}.pem`])
  }
  ossl.write('tsa.cnf', [
    '[ tsa ]', 'default_tsa = tsa_config', '[ tsa_config ]', `serial = ${ossl.path('tsaserial')}`, 'crypto_device = builtin',
    'default_policy = 1.2.398.3.3.2.6', 'digests = sha256, sha384, sha512', 'accuracy = secs:1', 'ordering = no',
    'tsa_name = no', 'ess_cert_id_chain = no', 'ess_cert_id_alg = sha256', 'signer_digest = sha256', '',
  ].join('\n'))
  ossl.write('tsaserial', '01\n')
  ossl.write('doc.txt', data)
})
afterAll(() => ossl.cleanup())

describe('a digest hashed elsewhere (the streamed large file)', () => {
  it.each(signers)('%s: detached with messageDigest verifies in openssl with the document', async (s) => {
    const cms = await signCms({ data: new Uint8Array(), messageDigest: await sha256(data), privateKey: await keyOf(s), certificate: pemDer(`${s}.pem`), detached: true })
    expect(opensslVerify(cms, `digest-${s}.p7s`, true)).toContain('Verification successful')
  })

  it('refuses a digest for an attached signature or of the wrong length', async () => {
    const base = { data, privateKey: await keyOf('p256'), certificate: pemDer('p256.pem') }
    await expect(signCms({ ...base, messageDigest: await sha256(data) })).rejects.toMatchObject({ code: 'ERR_VALIDATION' })
    await expect(signCms({ ...base, detached: true, messageDigest: new Uint8Array(20) })).rejects.toMatchObject({ code: 'ERR_VALIDATION' })
  })
})

describe('co-sign: two signers in one CMS', () => {
  it.each([true, false])('detached=%s, RSA then P-256: openssl verifies both signers', async (detached) => {
    const first = await signCms({ data, privateKey: await keyOf('rsa'), certificate: pemDer('rsa.pem'), detached })
    const second = await signCms({ data, privateKey: await keyOf('p256'), certificate: pemDer('p256.pem'), detached })
    const both = mergeSignatures(first, second)
    const sd = signedDataOf(both)
    expect(sd.signerInfos).toHaveLength(2)
    expect(sd.certificates).toHaveLength(2)
    expect(Boolean(sd.encapContentInfo.eContent)).toBe(!detached)
    expect(opensslVerify(both, `cosign-${detached}.p7s`, detached)).toContain('Verification successful')
    // Each signer is checked on its own too: a broken second signature must fail openssl.
    const sig = sd.signerInfos[1]!.signature.valueBlock.valueHexView
    sig[sig.length - 2]! ^= 0x01
    const broken = new Uint8Array(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: sd.toSchema(true) }).toSchema().toBER(false))
    const file = ossl.write(`cosign-broken-${detached}.p7s`, broken)
    const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', file, '-CAfile', 'ca.pem', '-purpose', 'any']
    expect(ossl.tryRun(detached ? [...args, '-content', 'doc.txt'] : args).status).not.toBe(0)
  })

  it('an OpenSSL-made signature can be co-signed by us', async () => {
    ossl.run(['cms', '-sign', '-binary', '-cades', '-md', 'sha256', '-in', 'doc.txt', '-signer', 'p256.pem', '-inkey', 'p256.key', '-outform', 'DER', '-out', 'theirs.p7s'])
    const ours = await signCms({ data, privateKey: await keyOf('rsa'), certificate: pemDer('rsa.pem'), detached: true })
    expect(opensslVerify(mergeSignatures(ossl.read('theirs.p7s'), ours), 'theirs-cosigned.p7s', true)).toContain('Verification successful')
  })

  it('refuses to merge signatures over different documents', async () => {
    const first = await signCms({ data, privateKey: await keyOf('rsa'), certificate: pemDer('rsa.pem'), detached: true })
    const other = await signCms({ data: new TextEncoder().encode('басқа құжат'), privateKey: await keyOf('p256'), certificate: pemDer('p256.pem'), detached: true })
    expect(() => mergeSignatures(first, other)).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_MISMATCH' }))
    const attachedOther = await signCms({ data: new TextEncoder().encode('басқа'), privateKey: await keyOf('p256'), certificate: pemDer('p256.pem') })
    const attached = await signCms({ data, privateKey: await keyOf('rsa'), certificate: pemDer('rsa.pem') })
    expect(() => mergeSignatures(attached, attachedOther)).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_MISMATCH' }))
    expect(() => mergeSignatures(attached, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
  })
})

describe('countersignature', () => {
  it.each(signers)('%s countersigns an RSA signature: openssl still verifies, the countersignature verifies over the signature value', async (s) => {
    const signed = await signCms({ data, privateKey: await keyOf('rsa'), certificate: pemDer('rsa.pem'), detached: true })
    const counter = await countersignCms(signed, { privateKey: await keyOf(s) }, { certificate: pemDer(`${s}.pem`) })
    expect(opensslVerify(counter, `counter-${s}.p7s`, true)).toContain('Verification successful')
    expect(ossl.run(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', `counter-${s}.p7s`, '-noout'])).toContain('countersignature (1.2.840.113549.1.9.6)')

    const sd = signedDataOf(counter)
    const [cs] = countersignaturesOf(sd.signerInfos[0]!)
    expect(cs).toBeDefined()
    // RFC 5652 §11.4: no content-type among a countersignature's signed attributes.
    expect(cs!.signedAttrs!.attributes.map((a) => a.type)).not.toContain('1.2.840.113549.1.9.3')
    // The countersignature signs the first signature's value: its messageDigest is that value's
    // hash and its signature verifies over its signed attributes with the countersigner's key
    // (pkijs's SignedData.verify insists on a content-type, so the check is done by hand).
    const value = sd.signerInfos[0]!.signature.valueBlock.valueHexView
    const md = cs!.signedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.4')!.values[0] as asn1js.OctetString
    expect(md.valueBlock.valueHexView).toEqual(await sha256(value))
    const tbs = new Uint8Array(cs!.signedAttrs!.toSchema().toBER(false))
    tbs[0] = 0x31
    const cert = pkijs.Certificate.fromBER(pemDer(`${s}.pem`))
    const engine = getEngine()
    const verified = await engine.verifyWithPublicKey(toArrayBuffer(tbs), cs!.signature, cert.subjectPublicKeyInfo, cs!.signatureAlgorithm, 'SHA-256')
    expect(verified).toBe(true)
    tbs[tbs.length - 1]! ^= 1
    expect(await engine.verifyWithPublicKey(toArrayBuffer(tbs), cs!.signature, cert.subjectPublicKeyInfo, cs!.signatureAlgorithm, 'SHA-256')).toBe(false)
  })

  it('an absent signer index is ERR_NOT_FOUND', async () => {
    const signed = await signCms({ data, privateKey: await keyOf('rsa'), certificate: pemDer('rsa.pem') })
    await expect(countersignCms(signed, { privateKey: await keyOf('p256') }, { certificate: pemDer('p256.pem'), signerIndex: 3 })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' })
  })
})

describe('CAdES-T with a token from openssl ts -reply', () => {
  it.each(signers)('%s: request → OpenSSL TSA → reply checked → token added; openssl verifies the CMS and the token', async (s) => {
    const signed = await signCms({ data, privateKey: await keyOf(s), certificate: pemDer(`${s}.pem`), detached: true })
    expect(hasSignatureTimestamp(signed)).toBe(false)
    const imprint = await signatureTimestampImprint(signed)
    const request = createTimestampRequest(imprint)
    const { token, info } = readTimestampResponse(opensslTimestamp(request.der, `t-${s}`), request)
    expect(info.policy).toBe('1.2.398.3.3.2.6')
    expect(Math.abs(info.genTime.getTime() - Date.now())).toBeLessThan(60_000)
    // OpenSSL checks the reply against our query (imprint, nonce) and the TSA chain.
    expect(ossl.run(['ts', '-verify', '-in', `t-${s}.tsr`, '-queryfile', `t-${s}.tsq`, '-CAfile', 'ca.pem', '-untrusted', 'tsa.pem'])).toContain('OK')

    const cadesT = await addSignatureTimestamp(signed, token)
    expect(hasSignatureTimestamp(cadesT)).toBe(true)
    expect(opensslVerify(cadesT, `cades-t-${s}.p7s`, true)).toContain('Verification successful')
    const dump = ossl.run(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', `cades-t-${s}.p7s`, '-noout'])
    expect(dump).toContain('id-smime-aa-timeStampToken')
    // The embedded token, taken back out, is what OpenSSL's TSA signed over our signature value.
    const attr = signedDataOf(cadesT).signerInfos[0]!.unsignedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.16.2.14')!
    const embedded = new Uint8Array(attr.values[0]!.toBER(false))
    ossl.write(`t-${s}.token`, embedded)
    expect(ossl.run(['ts', '-verify', '-token_in', '-in', `t-${s}.token`, '-digest', toHex(imprint), '-CAfile', 'ca.pem', '-untrusted', 'tsa.pem'])).toContain('OK')
    expect(readTimestampToken(embedded).imprint).toEqual(imprint)
  })

  it('a co-signed CMS gets a timestamp per signer', async () => {
    const both = mergeSignatures(
      await signCms({ data, privateKey: await keyOf('rsa'), certificate: pemDer('rsa.pem'), detached: true }),
      await signCms({ data, privateKey: await keyOf('p256'), certificate: pemDer('p256.pem'), detached: true }),
    )
    let cms = both
    for (const i of [0, 1]) {
      const request = createTimestampRequest(await signatureTimestampImprint(cms, i))
      cms = await addSignatureTimestamp(cms, readTimestampResponse(opensslTimestamp(request.der, `co-${i}`), request).token, i)
    }
    expect(hasSignatureTimestamp(cms, 0) && hasSignatureTimestamp(cms, 1)).toBe(true)
    expect(opensslVerify(cms, 'co-t.p7s', true)).toContain('Verification successful')
  })

  it('refuses a reply to another request, and a token over another signature', async () => {
    const signed = await signCms({ data, privateKey: await keyOf('p256'), certificate: pemDer('p256.pem'), detached: true })
    const request = createTimestampRequest(await signatureTimestampImprint(signed))
    const reply = opensslTimestamp(request.der, 'other')
    const again = createTimestampRequest(request.imprint)
    expect(() => readTimestampResponse(reply, again)).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_MISMATCH', details: { reason: 'timestamp-nonce' } }))
    const otherImprint = createTimestampRequest(new Uint8Array(32).fill(7))
    expect(() => readTimestampResponse(reply, { ...otherImprint, nonce: request.nonce })).toThrow(expect.objectContaining({ code: 'ERR_PAYLOAD_MISMATCH', details: { reason: 'timestamp-imprint' } }))
    expect(() => readTimestampResponse(new Uint8Array([1, 2, 3]), request)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
    const { token } = readTimestampResponse(reply, request)
    const another = await signCms({ data, privateKey: await keyOf('rsa'), certificate: pemDer('rsa.pem'), detached: true })
    await expect(addSignatureTimestamp(another, token)).rejects.toMatchObject({ code: 'ERR_PAYLOAD_MISMATCH' })
  })
})
