/**
 * POST /api/v1/signatures/verify with NCA's GOST keys (issue 23): a detached CAdES-BES signed by a
 * GOST-2004 key under a test GOST root (our code signs it and its CRL) verifies with the uploaded
 * document — hashed here with GOST 34.311-95 as well as SHA-2 — and with the digests the /verify
 * page computes (`sha256` + `digest`); a changed document is ERR_DOCUMENT_CHANGED as for RSA; a
 * SHA-256 alone asks for the document; a bad `digest` field and a document past the GOST limit
 * have their codes.
 */
import { createHash } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installErrorHandler } from '../../../server/errors.ts'
import { signatureRoutes } from '../../../server/signatures/index.ts'
import { nodeSignatureVerifier } from '../../../server/auth/node-signature-verifier.ts'
import { gostR341194, signGostCms } from '../../../src/pki/gost/index.ts'
import { GostOid } from '../../../src/pki/oids.ts'
import { createTrustStore, localCrlChecker } from '../../../src/verifier/index.ts'
import { buildGostPki, gostCrl } from '../../verifier/helpers/gost-pki.ts'
import { multipart } from '../helpers/multipart.ts'

const doc = new TextEncoder().encode('Қолхат / Расписка: GOST 34.310-2004\n')
const changed = doc.slice()
changed[4] = (changed[4] as number) ^ 1
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

describe('POST /api/v1/signatures/verify with a GOST-2004 signature', () => {
  let app: FastifyInstance
  let signature: Uint8Array
  beforeAll(async () => {
    const pki = await buildGostPki()
    signature = signGostCms({ data: doc, certificate: pki.signer.der, detached: true }, pki.signer.key.key)
    app = Fastify({ logger: false })
    installErrorHandler(app)
    await app.register(signatureRoutes, {
      setup: async () => ({ trust: createTrustStore([pki.root.der]), revocation: localCrlChecker([gostCrl(pki.root, [])]), signatureVerifier: nodeSignatureVerifier() }),
      maxGostDocumentBytes: 1024,
      rateLimit: { max: 1000, timeWindow: 60_000 },
    })
    await app.ready()
  })
  afterAll(async () => app?.close())

  const verify = (parts: Parameters<typeof multipart>[0]) => app.inject({ method: 'POST', url: '/api/v1/signatures/verify', ...multipart(parts) })

  it('the uploaded document is hashed with the signer’s GOST digest: valid; one changed byte is ERR_DOCUMENT_CHANGED', async () => {
    const ok = await verify([{ name: 'signature', file: signature }, { name: 'document', file: doc }])
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ valid: true, document: { sha256: sha256(doc), bytes: doc.length }, signers: [{ valid: true, digestAlgorithm: GostOid.digest34311 }] })
    const bad = await verify([{ name: 'signature', file: signature }, { name: 'document', file: changed }])
    expect(bad.json()).toMatchObject({ valid: false, signers: [{ valid: false, code: 'ERR_DOCUMENT_CHANGED' }] })
  })

  it('the page’s digests (sha256 + digest <oid>:<hex>): valid; a changed document’s are ERR_DOCUMENT_CHANGED; SHA-256 alone asks for the document', async () => {
    const ok = await verify([{ name: 'signature', file: signature }, { name: 'sha256', value: sha256(doc) }, { name: 'digest', value: `${GostOid.digest34311}:${hex(gostR341194(doc))}` }])
    expect(ok.json()).toMatchObject({ valid: true, document: { sha256: sha256(doc) } })
    const bad = await verify([{ name: 'signature', file: signature }, { name: 'sha256', value: sha256(changed) }, { name: 'digest', value: `${GostOid.digest34311}:${hex(gostR341194(changed))}` }])
    expect(bad.json()).toMatchObject({ valid: false, signers: [{ code: 'ERR_DOCUMENT_CHANGED' }] })
    const onlySha = await verify([{ name: 'signature', file: signature }, { name: 'sha256', value: sha256(doc) }])
    expect(onlySha.json()).toMatchObject({ valid: false, signers: [{ code: 'ERR_DOCUMENT_REQUIRED' }] })
  })

  it('a malformed digest field, a digest beside the document, a document past the GOST limit: 4xx codes', async () => {
    const cases: Array<[Parameters<typeof multipart>[0], number, string]> = [
      [[{ name: 'signature', file: signature }, { name: 'sha256', value: sha256(doc) }, { name: 'digest', value: `${GostOid.digest34311}:abc` }], 400, 'ERR_VALIDATION'],
      [[{ name: 'signature', file: signature }, { name: 'sha256', value: sha256(doc) }, { name: 'digest', value: `2.16.840.1.101.3.4.2.1:${sha256(doc)}` }], 400, 'ERR_VALIDATION'],
      [[{ name: 'signature', file: signature }, { name: 'document', file: doc }, { name: 'digest', value: `${GostOid.digest34311}:${hex(gostR341194(doc))}` }], 400, 'ERR_VALIDATION'],
      [[{ name: 'signature', file: signature }, { name: 'document', file: new Uint8Array(2048) }], 413, 'ERR_TOO_LARGE'],
    ]
    for (const [parts, status, code] of cases) {
      const r = await verify(parts)
      expect([r.statusCode, r.json().error.code], code).toEqual([status, code])
    }
  })
})
