/**
 * /sign's flow through NCALayer (issue 16: "the NCALayer route produces the same formats"), against
 * the NCALayer protocol stand-in (test/agents/ncalayer-standin.ts, whose CMS OpenSSL makes over
 * the bytes it received): a detached signature is asked for in both of NCALayer's dialects
 * (basics.sign `encapsulate: false`; legacy commonUtils.createCAdESFromBase64 with its last
 * argument `false`), comes back as a `.p7s` SignedData over id-data without the document inside,
 * with contentType, messageDigest (SHA-256 of the document) and signingTime signed, is accepted by
 * `openssl cms -verify -content`, and takes our CAdES-T timestamp like a browser-made signature.
 */
import { createHash } from 'node:crypto'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { WebSocketLike } from '../../src/agents/connection.ts'
import { NcaLayerSigner } from '../../src/agents/ncalayer-signer.ts'
import { signDocument, type DocumentToSign } from '../../src/flows/document-signing.ts'
import { toArrayBuffer } from '../../src/pki/asn1.ts'
import { openssl, type OpenSsl } from '../pki/openssl.ts'
import { startNcaLayerStandin, type NcaLayerStandin } from '../agents/ncalayer-standin.ts'
import { startOpensslTsa, type OpensslTsa } from './openssl-tsa.ts'

const createSocket = (url: string): WebSocketLike => new WebSocket(url, { origin: 'https://qoltanba.example.kz' }) as unknown as WebSocketLike
const data = new TextEncoder().encode('%PDF-1.4\n% Келісімшарт NCALayer арқылы / Договор через NCALayer\n%%EOF\n')
const sha256 = new Uint8Array(createHash('sha256').update(data).digest())
const document: DocumentToSign = { name: 'contract.pdf', size: data.length, data, sha256 }
const OID = { data: '1.2.840.113549.1.7.1', contentType: '1.2.840.113549.1.9.3', messageDigest: '1.2.840.113549.1.9.4', signingTime: '1.2.840.113549.1.9.5', sha256: '2.16.840.1.101.3.4.2.1', tst: '1.2.840.113549.1.9.16.2.14' }

let ossl: OpenSsl
let tsa: OpensslTsa
let standin: NcaLayerStandin
let signer: NcaLayerSigner

beforeAll(async () => {
  ossl = openssl('qoltanba-ncalayer-signing-')
  tsa = await startOpensslTsa(ossl)
})
afterAll(async () => {
  await tsa.close()
  ossl.cleanup()
})
beforeEach(async () => {
  standin = await startNcaLayerStandin()
  signer = new NcaLayerSigner({ url: standin.url, createSocket })
})
afterEach(async () => {
  signer.close()
  await standin.close()
})

/** Throws unless OpenSSL verifies `cms` over the document (detached: given with -content). */
function opensslVerifies(cms: Uint8Array, name: string): boolean {
  ossl.write(`${name}.p7s`, cms)
  ossl.write(`${name}.ca.pem`, standin.caPem)
  ossl.write(`${name}.pdf`, data)
  return ossl.tryRun(['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${name}.p7s`, '-content', `${name}.pdf`, '-CAfile', `${name}.ca.pem`, '-purpose', 'any', '-out', `${name}.out`]).status === 0
}

/** The format checks a browser-made detached CAdES-BES signature passes too. */
function expectDetachedCades(cms: Uint8Array): pkijs.SignerInfo {
  const sd = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(toArrayBuffer(cms)).content })
  expect(sd.encapContentInfo.eContentType).toBe(OID.data)
  expect(sd.encapContentInfo.eContent).toBeUndefined()
  expect(sd.signerInfos).toHaveLength(1)
  const si = sd.signerInfos[0]!
  expect(si.digestAlgorithm.algorithmId).toBe(OID.sha256)
  const attrs = si.signedAttrs?.attributes ?? []
  expect(attrs.map((a) => a.type)).toEqual(expect.arrayContaining([OID.contentType, OID.messageDigest, OID.signingTime]))
  const md = attrs.find((a) => a.type === OID.messageDigest)!.values[0] as asn1js.OctetString
  expect(Buffer.from(md.valueBlock.valueHexView).equals(Buffer.from(sha256))).toBe(true)
  return si
}

describe('signDocument through NCALayer (stand-in)', () => {
  it('basics.sign: detached (encapsulate: false), a .p7s over the document, CAdES-T with our timestamp', async () => {
    const signed = await signDocument({ signer, document, detached: true, timestamp: true, tsa: { url: tsa.url }, locale: 'ru' })
    expect(standin.requests[0]).toMatchObject({ module: 'kz.gov.pki.knca.basics', method: 'sign', args: { signingParams: { decode: true, encapsulate: false, digested: false } } })
    expect((standin.requests[0]!.args as { data: string }).data).toBe(Buffer.from(data).toString('base64'))
    expect(signed).toMatchObject({ fileName: 'contract.pdf.p7s', signerIndex: 0, timestamp: 'added' })
    const si = expectDetachedCades(signed.cms)
    expect((si.unsignedAttrs?.attributes ?? []).map((a) => a.type)).toContain(OID.tst)
    expect(opensslVerifies(signed.cms, 'basics')).toBe(true)
  })

  it('legacy commonUtils.createCAdESFromBase64 (no basics module): its detached flag, the same format', async () => {
    standin.options.basicsInstalled = false
    const signed = await signDocument({ signer, document, detached: true, timestamp: false })
    const legacy = standin.requests.find((r) => r.method === 'createCAdESFromBase64')
    expect(legacy).toMatchObject({ module: 'kz.gov.pki.knca.commonUtils', args: ['AKKaztokenStore', 'SIGNATURE', Buffer.from(data).toString('base64'), false] })
    expect(signed).toMatchObject({ fileName: 'contract.pdf.p7s', timestamp: 'skipped' })
    expectDetachedCades(signed.cms)
    expect(opensslVerifies(signed.cms, 'legacy')).toBe(true)
  })

  it('a document too large to hold in memory is refused before NCALayer is asked (it signs bytes, not a digest)', async () => {
    const { data: _omitted, ...large } = document
    await expect(signDocument({ signer, document: large, detached: true, timestamp: false })).rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED' })
    expect(standin.requests).toHaveLength(0)
  })
})
