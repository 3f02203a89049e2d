/**
 * Revoking the issuing CA certificate (`qoltanba ca revoke-issuing`): the root puts it on its
 * CRL. What a relying party then sees: every certificate the issuing CA signed fails
 * `openssl verify -crl_check_all` ("certificate revoked" at depth 1), and our sign-in refuses it
 * (ERR_CERT_REVOKED, details.depth 1) — both read the root CRL.
 *
 * The entry (ca_root_crl_entries), its audit row and the root CRL that lists it are one
 * transaction, so the database never records a revocation no CRL carries. It is final and
 * idempotent: a second call for the same certificate changes nothing and says so. The root key
 * is opened for the one signature (file passphrase or PKCS#11, as root-crl.ts does).
 */
import * as pkijs from 'pkijs'
import { describeName } from '../../src/pki/names.ts'
import { recordAudit } from '../audit/audit.ts'
import { ApiErrorCode, conflict, type ApiError } from '../errors.ts'
import type { Db } from '../db/schema.ts'
import type { PublishedCrl } from './crl.ts'
import { CrlReason } from './crl-build.ts'
import { serialKey } from './crl-entries.ts'
import { ISSUING_NAME, openRootSigner, type CaConfig, type CaHierarchy } from './hierarchy.ts'
import { signRootCrlIn } from './root-crl.ts'

/** The reasons a CA certificate can be revoked for (RFC 5280 §5.3.1; no hold for a CA). */
export const CA_REVOCATION_REASONS = ['keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'] as const
export type CaRevocationReason = (typeof CA_REVOCATION_REASONS)[number]

/** The issuing CA certificate's revocation as recorded. */
export interface IssuingCaRevocation {
  /** Serial as lowercase hex (magnitude). */
  readonly serial: string
  readonly subjectDn: string
  /** 'unspecified' only for a revocation taken over from a hand-signed root CRL (root-crl-adoption.ts). */
  readonly reason: CaRevocationReason | 'unspecified'
  readonly revokedAt: Date
  readonly revokedBy: string
}

export interface RevokeIssuingResult {
  /** True when this call revoked it; false when it already was (nothing changed). */
  readonly revoked: boolean
  readonly revocation: IssuingCaRevocation
  /** The root CRL signed with the entry (absent when nothing changed). */
  readonly crl?: PublishedCrl
}

function reasonName(code: number): CaRevocationReason | 'unspecified' {
  const name = [...CA_REVOCATION_REASONS, 'unspecified' as const].find((r) => CrlReason[r] === code)
  if (!name) throw new Error(`unexpected CA revocation reason code ${code}`)
  return name
}

/**
 * 409 ERR_ISSUING_CA_REVOKED: a certificate under a revoked issuing CA is one nobody accepts
 * (every path through it fails at depth 1), so issuance refuses instead, before anything is stored.
 */
export function issuingCaRevokedError(revocation: Pick<IssuingCaRevocation, 'reason' | 'revokedAt'>): ApiError {
  return conflict(ApiErrorCode.IssuingCaRevoked, `the issuing CA certificate was revoked (${revocation.reason}, ${revocation.revokedAt.toISOString()}); no certificate can be issued under it`, {
    reason: revocation.reason,
    revokedAt: revocation.revokedAt.toISOString(),
  })
}

/** The recorded revocation of the hierarchy's issuing CA certificate, or undefined while it is not revoked. */
export async function issuingCaRevocation(db: Db, hierarchy: Pick<CaHierarchy, 'issuing'>): Promise<IssuingCaRevocation | undefined> {
  const row = await db
    .selectFrom('ca_root_crl_entries')
    .select(['serial', 'subject_dn', 'reason', 'revoked_at', 'revoked_by'])
    .where('serial', '=', serialKey(hierarchy.issuing.serial.toString('hex')))
    .executeTakeFirst()
  return row && { serial: row.serial, subjectDn: row.subject_dn, reason: reasonName(row.reason), revokedAt: row.revoked_at, revokedBy: row.revoked_by }
}

/**
 * Puts the issuing CA certificate on the root CRL for `reason`, as of `now`, and signs and writes
 * the new root CRL (root.crl in the CA store). A server running on the same database picks it up
 * at its next root CRL check (authority.ts); the caller's own CertificateAuthority, if any,
 * through `refreshRootCrl()`.
 */
export async function revokeIssuingCa(
  config: CaConfig,
  db: Db,
  hierarchy: CaHierarchy,
  options: { readonly reason: CaRevocationReason; readonly actor: string; readonly now?: Date },
): Promise<RevokeIssuingResult> {
  const already = await issuingCaRevocation(db, hierarchy)
  if (already) return { revoked: false, revocation: already }
  const issuing = hierarchy.issuing
  const serial = serialKey(issuing.serial.toString('hex'))
  const revokedAt = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000)
  const subjectDn = describeName(pkijs.RelativeDistinguishedNames.fromBER(new Uint8Array(issuing.subject))).dn
  const revocation: IssuingCaRevocation = { serial, subjectDn, reason: options.reason, revokedAt, revokedBy: options.actor }
  // Opened before the transaction: a wrong passphrase or an absent token changes nothing.
  const signer = await openRootSigner(config, hierarchy)
  try {
    return await db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('ca_root_crl_entries')
        .values({ serial, subject_dn: subjectDn, certificate: issuing.der, revoked_at: revokedAt, reason: CrlReason[options.reason], revoked_by: options.actor })
        .onConflict((oc) => oc.column('serial').doNothing())
        .returning('serial')
        .executeTakeFirst()
      // Another process revoked it between our check and this insert: theirs stands.
      if (!inserted) return { revoked: false, revocation: (await issuingCaRevocation(trx, hierarchy)) ?? revocation }
      await recordAudit(trx, {
        actor: options.actor, action: 'ca.revoke_issuing', entityType: 'ca', entityId: ISSUING_NAME,
        before: { serial, status: 'good' },
        after: { serial, status: 'revoked', reason: options.reason, revokedAt: revokedAt.toISOString() },
      })
      // Last: it writes the file, which nothing after it may roll back.
      const crl = await signRootCrlIn(trx, hierarchy, signer, revokedAt)
      return { revoked: true, revocation, crl }
    })
  } finally {
    signer.close()
  }
}
