/**
 * Revocation status of certificates issued by our own CA, straight from the `certificates` table
 * (the source of truth the OCSP responder and CRL are built from, so a revocation is effective
 * for sign-in at commit, without waiting for the next CRL).
 */
import type { ParsedCertificate, RevocationChecker, RevocationResult } from '../../src/verifier/index.ts'
import { toHex } from '../../src/core/bytes.ts'
import { sql } from 'kysely'
import type { Db } from '../db/schema.ts'
import { groupBatch } from '../db/group-batch.ts'

/** Serial as stored in `certificates.serial`: lowercase hex of the DER INTEGER content. */
export function storedSerial(cert: ParsedCertificate): string {
  return toHex(cert.cert.serialNumber.valueBlock.valueHexView)
}

interface StatusRow {
  readonly serial: string
  readonly status: RevocationResult['status']
  readonly revoked_at: Date | null
  readonly revocation_reason: number | null
  readonly der: Uint8Array
}

function answer(certificate: ParsedCertificate, row: StatusRow | undefined): RevocationResult {
  if (!row) return { status: 'unknown', source: 'database', detail: 'the certificate is not in our database' }
  if (!Buffer.from(row.der.buffer, row.der.byteOffset, row.der.byteLength).equals(certificate.der)) {
    return { status: 'unknown', source: 'database', detail: 'another certificate has this serial in our database' }
  }
  return {
    status: row.status,
    source: 'database',
    ...(row.revoked_at ? { revokedAt: new Date(row.revoked_at) } : {}),
    ...(row.revocation_reason !== null ? { reason: row.revocation_reason } : {}),
  }
}

/**
 * A checker answering from the database; a certificate it does not know is `unknown`.
 * Concurrent checks share one SELECT (group commit, server/db/group-batch.ts).
 */
export function databaseRevocationChecker(db: Db): RevocationChecker {
  const lookup = groupBatch(async (certificates: readonly ParsedCertificate[]) => {
    const serials = certificates.map((c) => [storedSerial(c), c.serialHex] as const)
    const { rows } = await sql<StatusRow>`select serial, status, revoked_at, revocation_reason, der from certificates
      where serial = any(${[...new Set(serials.flat())]}::text[])`.execute(db)
    const bySerial = new Map(rows.map((r) => [r.serial, { ...r, der: new Uint8Array(r.der) }]))
    return certificates.map((c, i) => answer(c, bySerial.get(serials[i]![0]) ?? bySerial.get(serials[i]![1])))
  })
  return { check: (certificate) => lookup(certificate) }
}
