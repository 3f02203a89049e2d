/**
 * The /verify page's flow offline: when the Registration Center cannot be reached, the signature
 * is verified on the device with src/verifier on the same report shape — a signature without
 * embedded status reads ERR_REVOCATION_UNKNOWN (never "valid" by default), one carrying its
 * issuer's CRL verifies, and a changed document still fails. Signatures made by OpenSSL.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyDocument } from '../../src/flows/document-verification.ts'
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
