/**
 * The signing side against our own TSA (server/tsa at POST /tsp, PGlite): a CAdES signature gets
 * its token through src/flows/timestamp.ts, the token is added as CAdES-T, and OpenSSL verifies
 * both the CMS and the embedded token against the CA hierarchy (root + issuing, TSA certificate
 * from the token).
 */
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requestTimestamp } from '../../src/flows/timestamp.ts'
import { addSignatureTimestamp, signatureTimestampImprint } from '../../src/pki/cades-timestamp.ts'
import { signCms } from '../../src/pki/cms.ts'
import { toArrayBuffer } from '../../src/pki/asn1.ts'
import { fromPem } from '../../src/pki/pem.ts'
import { importPrivateKey } from '../../src/pki/private-key.ts'
import { toHex } from '../../src/core/bytes.ts'
import { setupTsa, type TsaFixture } from '../server/tsa-fixture.ts'
import { openssl, type OpenSsl } from '../pki/openssl.ts'

let tsa: TsaFixture
let ossl: OpenSsl
const data = new TextEncoder().encode('Уақыт белгісі — метка времени\n')

beforeAll(async () => {
  tsa = await setupTsa('pglite')
  ossl = openssl('qoltanba-our-tsa-')
  ossl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'signer.key', '-out', 'signer.pem', '-days', '2', '-subj', '/CN=Signer/C=KZ'])
  ossl.write('doc.txt', data)
}, 120_000)
afterAll(async () => {
  await tsa?.close()
  ossl?.cleanup()
})

describe('CAdES-T with a token from our /tsp', () => {
  it('the token is granted, added, and OpenSSL verifies the signature and the token', async () => {
    const pem = (name: string) => fromPem(new TextDecoder().decode(ossl.read(name)))[0]!.der
    const signed = await signCms({ data, detached: true, privateKey: await importPrivateKey(pem('signer.key'), 'sign'), certificate: pem('signer.pem') })
    const imprint = await signatureTimestampImprint(signed)
    const { token, info } = await requestTimestamp(imprint, { url: `${tsa.url}/tsp` })
    expect(info.policy).toBe(tsa.settings.policyOid)
    const cadesT = await addSignatureTimestamp(signed, token)

    ossl.write('t.p7s', cadesT)
    const out = ossl.run(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 't.p7s', '-content', 'doc.txt', '-CAfile', 'signer.pem', '-purpose', 'any', '-out', 'out.txt'])
    expect(out).toContain('Verification successful')
    const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(toArrayBuffer(cadesT)).content })
    const attr = sd.signerInfos[0]!.unsignedAttrs!.attributes.find((a) => a.type === '1.2.840.113549.1.9.16.2.14')!
    ossl.write('token.der', new Uint8Array(attr.values[0]!.toBER(false)))
    expect(ossl.run(['ts', '-verify', '-token_in', '-in', 'token.der', '-digest', toHex(imprint), '-CAfile', tsa.rootPem, '-untrusted', tsa.issuingPem])).toContain('OK')
  })
})
