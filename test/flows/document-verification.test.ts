/**
 * The /verify page's flow offline: when the Registration Center cannot be reached, the signature
 * is verified on the device with src/verifier on the same report shape — a signature without
 * embedded status reads ERR_REVOCATION_UNKNOWN (never "valid" by default), one carrying its
 * issuer's CRL verifies, and a changed document still fails. Signatures made by OpenSSL.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gostDigestOidsOf, gostDocumentDigests, verifyDocument } from '../../src/flows/document-verification.ts'
import { gostR341194, signGostCms } from '../../src/pki/gost/index.ts'
import { GostOid } from '../../src/pki/oids.ts'
import { buildGostPki } from '../verifier/helpers/gost-pki.ts'
import { OpensslPki, type CaDir, type IssuedCert } from '../verifier/helpers/openssl-pki.ts'
import { embedCrl } from '../verifier/helpers/openssl-tsa.ts'
import { personSubject } from '../verifier/helpers/signin-pki.ts'

let pki: OpensslPki
let root: CaDir
let signer: IssuedCert
const doc = new TextEncoder().encode('Өтініш / Заявление №5')
/** The network is down: fetch rejects as the browser's does. */
const offlineFetch = (async () => {
  throw new TypeError('Failed to fetch')
}) as typeof fetch

beforeAll(() => {
  pki = new OpensslPki()
  root = pki.rootCa('offline-root')
  signer = pki.issue(root, 'offline-signer', {
    subject: personSubject('ОФЛАЙН ОФЛАЙН', '870101300134'),
    extensions: ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,nonRepudiation', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid'],
  })
})
afterAll(() => pki?.dispose())

const input = (cms: Uint8Array, document: Uint8Array = doc) => ({
  signature: new Blob([cms as Uint8Array<ArrayBuffer>]),
  documentSha256: new Uint8Array(createHash('sha256').update(document).digest()),
  offlineAnchors: async () => [root.der],
  fetch: offlineFetch,
})

describe('verifyDocument offline', () => {
  it('without embedded status: checked here, ERR_REVOCATION_UNKNOWN, said to be offline', async () => {
    const r = await verifyDocument(input(pki.cmsSign(signer, doc, { detached: true, cades: true })))
    expect(r.offline).toBe(true)
    expect(r.report).toMatchObject({ valid: false, signers: [{ valid: false, code: 'ERR_REVOCATION_UNKNOWN', level: 'CAdES-BES', identity: { iin: '870101300134' } }] })
  })

  it('with its issuer CRL embedded: valid offline; the same signature over another document is not', async () => {
    const cms = embedCrl(pki.cmsSign(signer, doc, { detached: true, cades: true }), pki.crl(root))
    const r = await verifyDocument(input(cms))
    expect(r.offline).toBe(true)
    expect(r.report).toMatchObject({ valid: true, signers: [{ valid: true, revocations: [{ status: 'good', source: 'embedded-crl' }] }] })
    const changed = await verifyDocument(input(cms, new TextEncoder().encode('Өтініш / Заявление №6')))
    expect(changed.report.signers[0]).toMatchObject({ valid: false, code: 'ERR_DOCUMENT_CHANGED' })
  })

  it('a server refusal is not taken for being offline', async () => {
    const refusing = (async () => new Response(JSON.stringify({ error: { code: 'ERR_MALFORMED', message: 'no' } }), { status: 400, headers: { 'content-type': 'application/json' } })) as typeof fetch
    const e = await verifyDocument({ ...input(new Uint8Array([1, 2, 3])), fetch: refusing }).catch((x: unknown) => x)
    expect(e).toMatchObject({ code: 'ERR_MALFORMED' })
  })
})

describe('a GOST signature on /verify: the device computes the signer’s GOST digest', () => {
  it('finds the GOST digest in DER, base64 and PEM; none in an RSA signature; too large is ERR_TOO_LARGE', async () => {
    const gostPki = await buildGostPki()
    const cms = signGostCms({ data: doc, certificate: gostPki.signer.der, detached: true }, gostPki.signer.key.key)
    const b64 = Buffer.from(cms).toString('base64')
    for (const form of [cms, new TextEncoder().encode(b64), new TextEncoder().encode(`-----BEGIN CMS-----\n${b64.replace(/.{64}/g, '$&\n')}\n-----END CMS-----\n`)]) {
      expect(gostDigestOidsOf(form)).toEqual([GostOid.digest34311])
    }
    expect(gostDigestOidsOf(pki.cmsSign(signer, doc, { detached: true, cades: true }))).toEqual([])
    const digests = await gostDocumentDigests(new Blob([cms]), new Blob([doc]), 1024)
    expect(digests).toEqual({ [GostOid.digest34311]: gostR341194(doc) })
    expect(await gostDocumentDigests(new Blob([cms]), new Blob([new Uint8Array(2048)]), 1024).catch((e: unknown) => e)).toMatchObject({ code: 'ERR_TOO_LARGE', details: { gost: true } })
  })

  it('online the digests go as digest fields; offline the GOST signature verifies and a changed document is ERR_DOCUMENT_CHANGED', async () => {
    const gostPki = await buildGostPki()
    const cms = signGostCms({ data: doc, certificate: gostPki.signer.der, detached: true }, gostPki.signer.key.key)
    const sent: string[] = []
    const recording = (async (_url: unknown, init?: RequestInit) => {
      sent.push(...((init?.body as FormData).getAll('digest') as string[]))
      throw new TypeError('Failed to fetch')
    }) as typeof fetch
    const run = async (document: Uint8Array) =>
      verifyDocument({
        signature: new Blob([cms]),
        documentSha256: new Uint8Array(createHash('sha256').update(document).digest()),
        documentDigestsByOid: await gostDocumentDigests(new Blob([cms]), new Blob([document as Uint8Array<ArrayBuffer>]), 1024),
        offlineAnchors: async () => [gostPki.root.der],
        fetch: recording,
      })
    const r = await run(doc)
    expect(sent).toEqual([`${GostOid.digest34311}:${Buffer.from(gostR341194(doc)).toString('hex')}`])
    // Offline there is no status: every check but revocation passed, so the code is the revocation one, not the document.
    expect(r.report.signers[0]).toMatchObject({ code: 'ERR_REVOCATION_UNKNOWN' })
    const changed = await run(new TextEncoder().encode('Өтініш / Заявление №7'))
    expect(changed.report.signers[0]).toMatchObject({ valid: false, code: 'ERR_DOCUMENT_CHANGED' })
  })
})
