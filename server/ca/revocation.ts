/**
 * Revocation, hold and release of certificates: one row update plus its audit row, inside the
 * caller's transaction. After the transaction commits, tell the CA (`ca.statusChanged(serial)`)
 * so the OCSP cache forgets the serial at once and a new CRL is made; `changeStatus` below does
 * both steps for callers that have no transaction of their own.
 */
import { sql } from 'kysely'
import { recordAudit } from '../audit/audit.ts'
import { notifyChange } from '../db/notify.ts'
import type { CertificateStatus, Db, Tx } from '../db/schema.ts'
import { badRequest, conflict, notFound } from '../errors.ts'
import { CrlReason } from './crl-build.ts'
import { enqueueForCertificate } from '../mail/outbox.ts'

/** Reasons a revocation may carry (certificateHold goes through hold, removeFromCRL through release). */
export const REVOCATION_REASONS: readonly number[] = [0, 1, 2, 3, 4, 5, 9, 10]
/** Reasons a certificate holder may give themselves (docs/architecture.md#holder-revocation-reasons). */
export const HOLDER_REASONS: readonly number[] = [0, 1, 3, 4, 5]

/** Reason codes by RFC 5280 name, for APIs that take names. */
export function reasonCode(reason: number | string): number {
  const code = typeof reason === 'number' ? reason : (CrlReason as Record<string, number>)[reason]
  if (code === undefined || !Number.isInteger(code)) throw badRequest('ERR_INVALID_REASON', `unknown revocation reason ${String(reason)}`)
  return code
}

/** Normalizes a serial from a URL: lowercase hex, no separators. */
export function normalizeSerial(serial: string): string {
  const s = serial.replace(/:/g, '').toLowerCase()
  if (!/^[0-9a-f]{2,64}$/.test(s)) throw badRequest('ERR_VALIDATION', 'serial must be hexadecimal')
  return s
}

export interface StatusChange {
  readonly serial: string
  readonly before: { readonly status: CertificateStatus; readonly reason: number | null }
  readonly after: { readonly status: CertificateStatus; readonly reason: number | null; readonly at: Date | null }
}

type Action = 'revoke' | 'hold' | 'release'

async function change(trx: Tx, serialIn: string, action: Action, reason: number | null, actor: string, comment?: string): Promise<StatusChange> {
  const serial = normalizeSerial(serialIn)
  const row = await trx
    .selectFrom('certificates')
    .select(['serial', 'status', 'revocation_reason', 'not_after'])
    .where('serial', '=', serial)
    .forUpdate()
    .executeTakeFirst()
  // Not in our table = not issued by this registration center's CA (an NCA certificate, say):
  // say so, so the holder goes to the CA that can revoke it instead of reading "not found".
  if (!row) throw notFound(`certificate ${serial} was not issued by this registration center; revoke it at the CA that issued it`, 'ERR_NOT_ISSUED_HERE')
  const from = row.status
  // An expired certificate is refused by every verifier already: revoking or suspending it
  // changes nothing, and it would only lengthen the CRL (RFC 5280 §3.3 lets CAs drop them).
  if (action !== 'release' && from !== 'revoked' && new Date(row.not_after).getTime() <= Date.now()) {
    throw conflict('ERR_EXPIRED_NOT_REVOCABLE', `certificate ${serial} expired on ${new Date(row.not_after).toISOString()}; there is nothing to ${action}`)
  }
  let to: CertificateStatus
  if (action === 'revoke') {
    if (reason === null || !REVOCATION_REASONS.includes(reason)) throw badRequest('ERR_INVALID_REASON', `reason ${String(reason)} cannot be used to revoke`)
    if (from === 'revoked') throw conflict('ERR_ALREADY_REVOKED', 'the certificate is already revoked')
    to = 'revoked'
  } else if (action === 'hold') {
    if (from !== 'good') throw conflict('ERR_INVALID_STATE', `only a valid certificate can be held (it is ${from})`)
    reason = CrlReason.certificateHold
    to = 'hold'
  } else {
    if (from !== 'hold') throw conflict('ERR_INVALID_STATE', `only a held certificate can be released (it is ${from})`)
    reason = null
    to = 'good'
  }
  const at = to === 'good' ? null : new Date(Math.floor(Date.now() / 1000) * 1000)
  await trx
    .updateTable('certificates')
    .set({ status: to, revoked_at: at, revocation_reason: reason, revoked_by: actor, status_changed_at: sql<Date>`now()` })
    .where('serial', '=', serial)
    .execute()
  // Every other instance drops its cached OCSP answer for the serial when this commits.
  await notifyChange(trx, 'certificate', serial)
  // The holder's e-mail (if confirmed) in the same transaction: told exactly when it happened.
  await enqueueForCertificate(trx, serial, action === 'revoke' ? 'revoked' : action === 'hold' ? 'held' : 'released')
  const result: StatusChange = { serial, before: { status: from, reason: row.revocation_reason }, after: { status: to, reason, at } }
  await recordAudit(trx, {
    actor,
    action: `certificate.${action}`,
    entityType: 'certificate',
    entityId: serial,
    before: result.before,
    // The operator's own words on why (the console asks for them); kept in the audit row only.
    after: comment ? { ...result.after, comment } : result.after,
  })
  return result
}

/** Revokes `serial` with an RFC 5280 reason (a held certificate may be revoked too). */
export function revokeCertificate(trx: Tx, serial: string, reason: number, actor: string, comment?: string): Promise<StatusChange> {
  return change(trx, serial, 'revoke', reason, actor, comment)
}

/** Suspends `serial` (certificateHold). */
export function holdCertificate(trx: Tx, serial: string, actor: string, comment?: string): Promise<StatusChange> {
  return change(trx, serial, 'hold', null, actor, comment)
}

/** Lifts a hold: the certificate is valid again and leaves the next CRL. */
export function releaseCertificate(trx: Tx, serial: string, actor: string, comment?: string): Promise<StatusChange> {
  return change(trx, serial, 'release', null, actor, comment)
}

/** Something to tell after a commit (the CertificateAuthority). */
export interface StatusListener {
  statusChanged(serial: string): void
}

/** Runs one status change in its own transaction, then notifies the CA. */
export async function changeStatus(
  db: Db,
  ca: StatusListener,
  op: ({ action: 'revoke'; reason: number } | { action: 'hold' } | { action: 'release' }) & { comment?: string },
  serial: string,
  actor: string,
  authorize?: (trx: Tx) => Promise<void>,
): Promise<StatusChange> {
  const result = await db.transaction().execute(async (trx) => {
    if (authorize) await authorize(trx)
    if (op.action === 'revoke') return revokeCertificate(trx, serial, op.reason, actor, op.comment)
    if (op.action === 'hold') return holdCertificate(trx, serial, actor, op.comment)
    return releaseCertificate(trx, serial, actor, op.comment)
  })
  ca.statusChanged(result.serial)
  return result
}

