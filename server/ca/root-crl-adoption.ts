/**
 * Carries a revocation of the issuing CA that only the root CRL file knows into the database
 * (ca_root_crl_entries), before the root CRL is signed again from the database. Why: before
 * migration 005 the only way to revoke the issuing CA was to sign a root CRL by hand and put it
 * in DATA_DIR/ca; the first re-signing from the (then empty) table would have dropped it, and
 * the issuing CA would quietly have become valid again.
 *
 * Adopted only when the file verifies with the root certificate (the verifier's own CRL checks,
 * as of the file's thisUpdate, so an old but genuine file counts) and lists the current issuing
 * CA certificate. A forged file, or entries about other certificates, are left out: the
 * database's list wins.
 */
import { localCrlChecker, parseCertificate } from '../../src/verifier/index.ts'
import * as pkijs from 'pkijs'
import { describeName } from '../../src/pki/names.ts'
import { recordAudit } from '../audit/audit.ts'
import type { Db } from '../db/schema.ts'
import type { PublishedCrl } from './crl.ts'
import { serialKey } from './crl-entries.ts'
import { ISSUING_NAME, type CaHierarchy } from './hierarchy.ts'

/** Reasons the table takes (unspecified and the five a CA certificate can be revoked for). */
const STORABLE_REASONS = new Set([0, 1, 2, 3, 4, 5])

/** True when `file` revoked the issuing CA and that revocation is now in the database (it may already have been). */
export async function adoptIssuingRevocation(db: Db, hierarchy: Pick<CaHierarchy, 'root' | 'issuing' | 'store'>, file: PublishedCrl): Promise<boolean> {
  const answer = await localCrlChecker([new Uint8Array(file.der)]).check(parseCertificate(hierarchy.issuing.der), parseCertificate(hierarchy.root.der), file.thisUpdate)
  if (answer.status !== 'revoked' || !answer.revokedAt) return false
  const reason = answer.reason !== undefined && STORABLE_REASONS.has(answer.reason) ? answer.reason : 0
  const serial = serialKey(hierarchy.issuing.serial.toString('hex'))
  const subjectDn = describeName(pkijs.RelativeDistinguishedNames.fromBER(new Uint8Array(hierarchy.issuing.subject))).dn
  await db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('ca_root_crl_entries')
      .values({ serial, subject_dn: subjectDn, certificate: hierarchy.issuing.der, revoked_at: answer.revokedAt as Date, reason, revoked_by: 'system:root.crl' })
      .onConflict((oc) => oc.column('serial').doNothing())
      .returning('serial')
      .executeTakeFirst()
    if (!inserted) return
    await recordAudit(trx, {
      actor: 'system', action: 'ca.revoke_issuing', entityType: 'ca', entityId: ISSUING_NAME,
      before: { serial, status: 'good' },
      after: { serial, status: 'revoked', reason, revokedAt: (answer.revokedAt as Date).toISOString(), from: `root CRL number ${file.crlNumber} in ${hierarchy.store.where}` },
    })
  })
  console.warn(`The root CRL in ${hierarchy.store.where} revokes the issuing CA (serial ${serial}); recorded in the database so that it stays revoked.`)
  return true
}
