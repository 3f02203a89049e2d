/**
 * Storing issued certificates. `insertIssued` is what the platform's approve uses inside its
 * transaction: the certificates are signed BEFORE (off the database connection), then inserted
 * here in one multi-row `insert … on conflict (serial) do nothing returning *`; a certificate
 * whose serial clashed (2^-126 each) is signed again with a new serial and inserted again, so a
 * clash never aborts the transaction. `issueAndRecord` does sign + insert + audit in one step for
 * issuance outside applications (operator certificates, tests, the crash test's helper).
 *
 * `insertIssued` re-reads the issuing CA's revocation inside the transaction (one primary-key
 * lookup): the loaded CA's copy is refreshed once a minute, and a `qoltanba ca revoke-issuing`
 * run beside the server in that minute must not let a certificate of the revoked CA be stored.
 */
import * as pkijs from 'pkijs'
import { describeName, encodeName, type NameInfo, type SubjectFields } from '../../src/pki/names.ts'
import type { Certificate, CertificatePurpose, Db, Tx } from '../db/schema.ts'
import { recordAudit, type AuditEntryInput } from '../audit/audit.ts'
import { issueCertificate, type IssueInput, type IssuedCertificate, type IssuingCa } from './issue.ts'
import { issuingCaRevocation, issuingCaRevokedError } from './issuing-ca-revocation.ts'

export interface RecordFields {
  readonly applicationNumber?: string | null
  readonly purpose: CertificatePurpose
  readonly actor: string
}

/** Serial clashes tolerated before giving up (2^-126 each: reaching this means a broken RNG). */
const MAX_SERIAL_ATTEMPTS = 5

/** A subject's Name DER and readable form, built once (pkijs is slow) for all its certificates. */
export interface PreparedSubject {
  readonly subjectName: Uint8Array
  readonly name: NameInfo
}

export function prepareSubject(subject: SubjectFields): PreparedSubject {
  const der = encodeName(subject)
  return { subjectName: new Uint8Array(der), name: describeName(pkijs.RelativeDistinguishedNames.fromBER(der)) }
}

/** A signed certificate waiting to be stored. `input.subjectName` must be set (prepareSubject). */
export interface SignedCertificate {
  readonly input: IssueInput & { readonly subjectName: Uint8Array }
  readonly name: NameInfo
  readonly fields: RecordFields
  readonly issued: IssuedCertificate
}

/** Signs one certificate for `input` (subject prepared) without touching the database. */
export async function signFor(ca: IssuingCa, input: IssueInput, subject: PreparedSubject, fields: RecordFields): Promise<SignedCertificate> {
  const withName = { ...input, subjectName: subject.subjectName }
  return { input: withName, name: subject.name, fields, issued: await issueCertificate(ca, withName) }
}

/** The certificate.issue audit row of a stored certificate. */
export function issueAudit(c: SignedCertificate): AuditEntryInput {
  return {
    actor: c.fields.actor,
    action: 'certificate.issue',
    entityType: 'certificate',
    entityId: c.issued.serialHex,
    before: null,
    after: { profile: c.input.profile.id, purpose: c.fields.purpose, subject: c.name.dn, notAfter: c.issued.notAfter.toISOString() },
  }
}

/**
 * Inserts signed certificates into `certificates` inside `trx` in one statement and returns them
 * (final serials, stored rows) in the order given. Writes no audit rows: see issueAudit.
 */
export async function insertIssued(trx: Tx | Db, ca: IssuingCa, certificates: readonly SignedCertificate[]): Promise<Array<{ signed: SignedCertificate; row: Certificate }>> {
  const revoked = await issuingCaRevocation(trx, ca.hierarchy)
  if (revoked) throw issuingCaRevokedError(revoked)
  const done = new Map<number, { signed: SignedCertificate; row: Certificate }>()
  let pending = certificates.map((signed, index) => ({ signed, index }))
  for (let attempt = 0; pending.length; attempt++) {
    if (attempt === MAX_SERIAL_ATTEMPTS) throw new Error('could not draw a unique certificate serial')
    if (attempt > 0) {
      // Serial clash: sign again (issueCertificate draws a new serial each call).
      pending = await Promise.all(pending.map(async ({ signed, index }) => ({ signed: { ...signed, issued: await issueCertificate(ca, signed.input) }, index })))
    }
    const rows = await trx
      .insertInto('certificates')
      .values(
        pending.map(({ signed: { issued, input, name, fields } }) => ({
          serial: issued.serialHex,
          application_number: fields.applicationNumber ?? null,
          purpose: fields.purpose,
          profile: input.profile.id,
          issuer: issued.issuer,
          subject_dn: name.dn,
          iin: name.iin ?? null,
          bin: name.bin ?? null,
          not_before: issued.notBefore,
          not_after: issued.notAfter,
          der: issued.der,
          spki_sha256: issued.spkiSha256,
        })),
      )
      .onConflict((oc) => oc.column('serial').doNothing())
      .returningAll()
      .execute()
    const bySerial = new Map(rows.map((r) => [r.serial, r]))
    const clashed: typeof pending = []
    for (const p of pending) {
      const row = bySerial.get(p.signed.issued.serialHex)
      if (row) done.set(p.index, { signed: p.signed, row })
      else clashed.push(p)
    }
    pending = clashed
  }
  return certificates.map((_, i) => done.get(i) as { signed: SignedCertificate; row: Certificate })
}

/** Issues a certificate and inserts it into `certificates` inside `trx`, with its audit row. */
export async function issueAndRecord(trx: Tx | Db, ca: IssuingCa, input: IssueInput, fields: RecordFields): Promise<IssuedCertificate> {
  const signed = await signFor(ca, input, prepareSubject(input.subject), fields)
  const [stored] = await insertIssued(trx, ca, [signed])
  const final = (stored as { signed: SignedCertificate }).signed
  await recordAudit(trx, issueAudit(final))
  return final.issued
}

/** The holder's IIN of a stored certificate (revocation checks the session's person against it). */
export function certificateOwner(trx: Tx | Db, serial: string): Promise<{ iin: string | null } | undefined> {
  return trx.selectFrom('certificates').select(['iin']).where('serial', '=', serial).executeTakeFirst()
}

/** The DER of a stored certificate (a signed revocation request must come from this very certificate). */
export function certificateDer(trx: Tx | Db, serial: string): Promise<{ der: Uint8Array } | undefined> {
  return trx.selectFrom('certificates').select(['der']).where('serial', '=', serial).executeTakeFirst()
}
