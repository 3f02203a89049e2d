/**
 * Revocation status of certificates issued by our own CA, straight from the `certificates` table
 * (the source of truth the OCSP responder and CRL are built from, so a revocation is effective
 * for sign-in at commit, without waiting for the next CRL).
 */
import type { ParsedCertificate, RevocationChecker, RevocationResult } from '../../src/verifier/index.ts'
import { toHex } from '../../src/verifier/certificate.ts'
import type { Db } from '../db/schema.ts'

/** Serial as stored in `certificates.serial`: lowercase hex of the DER INTEGER content. */
export function storedSerial(cert: ParsedCertificate): string {
  return toHex(cert.cert.serialNumber.valueBlock.valueHexView)
}

/** A checker answering from the database; a certificate it does not know is `unknown`. */
export function databaseRevocationChecker(db: Db): RevocationChecker {
  return {
    async check(certificate): Promise<RevocationResult> {
      const row = await db
        .selectFrom('certificates')
        .select(['status', 'revoked_at', 'revocation_reason', 'der'])
        .where('serial', 'in', [storedSerial(certificate), certificate.serialHex])
        .executeTakeFirst()
      if (!row) return { status: 'unknown', source: 'database', detail: 'the certificate is not in our database' }
      const der = new Uint8Array(row.der)
      if (der.length !== certificate.der.length || der.some((b, i) => b !== certificate.der[i])) {
        return { status: 'unknown', source: 'database', detail: 'another certificate has this serial in our database' }
      }
      return {
        status: row.status,
        source: 'database',
        ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
        ...(row.revocation_reason !== null ? { reason: row.revocation_reason } : {}),
      }
    },
  }
}
