/**
 * Signatures made the way someone outside would make them, for the routes that verify them: a
 * detached CAdES-BES by `openssl cms -sign -cades` with a key our test CA certified, and a
 * signature timestamp asked from the server's own /tsp with `openssl ts` (CAdES-T).
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { issueOperatorCertificate } from '../../../server/operators/credential.ts'
import { parseSignedDataSigners, SIGNATURE_TIMESTAMP_OID } from '../../../src/verifier/index.ts'
import { openssl } from '../../verifier/helpers/openssl-pki.ts'
import { addUnsignedAttribute } from '../../verifier/helpers/openssl-tsa.ts'
import type { TestServer } from './app.ts'

/** DER as PEM under `label` (CERTIFICATE, PRIVATE KEY), 64 characters a line. */
export const pem = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`

/**
 * A detached CAdES-BES over `document` by a new operator certificate (IIN 700611300018) of the
 * server's CA; with `chain`, the issuing CA's certificate goes into the signature too. Files are
 * written in `dir` under `prefix`.
 */
export async function operatorSignature(s: TestServer, dir: string, prefix: string, document: Uint8Array, options: { chain?: boolean } = {}): Promise<Uint8Array> {
  const cert = await issueOperatorCertificate(s.t.db, s.ca, s.ctx.registry, { iin: '700611300018', actor: 'test' })
  const key = join(dir, `${prefix}.key`)
  writeFileSync(key, pem('PRIVATE KEY', cert.pkcs8))
  const certPath = join(dir, `${prefix}.pem`)
  writeFileSync(certPath, pem('CERTIFICATE', new Uint8Array(cert.der)))
  const input = join(dir, `${prefix}-doc.bin`)
  writeFileSync(input, document)
  const chain = join(dir, `${prefix}-chain.pem`)
  if (options.chain) writeFileSync(chain, pem('CERTIFICATE', new Uint8Array(s.ca.hierarchy.issuing.der)))
  const args = ['cms', '-sign', '-binary', '-cades', '-md', 'sha256', '-in', input, '-signer', certPath, '-inkey', key, ...(options.chain ? ['-certfile', chain] : []), '-outform', 'DER']
  return new Uint8Array(openssl(args))
}

/** `signature` with a signature timestamp on its first signer from the server's own /tsp (CAdES-T). */
export async function timestampedByOwnTsa(s: TestServer, dir: string, prefix: string, signature: Uint8Array): Promise<Uint8Array> {
  const sigPath = join(dir, `${prefix}-sig.bin`)
  writeFileSync(sigPath, (parseSignedDataSigners(signature)[0] as { signatureValue: Uint8Array }).signatureValue)
  const query = openssl(['ts', '-query', '-data', sigPath, '-sha256', '-cert'])
  const reply = await s.app.inject({ method: 'POST', url: '/tsp', headers: { 'content-type': 'application/timestamp-query' }, payload: query })
  expect(reply.statusCode).toBe(200)
  const replyPath = join(dir, `${prefix}-reply.tsr`)
  writeFileSync(replyPath, reply.rawPayload)
  return addUnsignedAttribute(signature, 0, SIGNATURE_TIMESTAMP_OID, new Uint8Array(openssl(['ts', '-reply', '-in', replyPath, '-token_out'])))
}
