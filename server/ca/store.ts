/**
 * Issue-and-record in one step, for issuance outside applications (operator certificates, tests,
 * the crash test's own transaction helper). The platform's approve does the same inside its
 * transaction; this is the reference for how: insert with `on conflict (serial) do nothing` and
 * draw a new serial when nothing was inserted (a serial clash must not abort the transaction).
 */
import { describeName } from '../../src/pki/names.ts'
import type { CertificatePurpose, Db, Tx } from '../db/schema.ts'
import { recordAudit } from '../audit/audit.ts'
import { issueCertificate, type IssueInput, type IssuedCertificate, type IssuingCa } from './issue.ts'
import { buildName } from '../../src/pki/names.ts'

export interface RecordFields {
  readonly applicationNumber?: string | null
  readonly purpose: CertificatePurpose
  readonly actor: string
}

/** Serial clashes tolerated before giving up (2^-126 each: reaching this means a broken RNG). */
const MAX_SERIAL_ATTEMPTS = 5

/** Issues a certificate and inserts it into `certificates` inside `trx`, with its audit row. */
export async function issueAndRecord(trx: Tx | Db, ca: IssuingCa, input: IssueInput, fields: RecordFields): Promise<IssuedCertificate> {
  const rdn = buildName(input.subject)
  const name = describeName(rdn)
  const withName = { ...input, subjectName: new Uint8Array(rdn.toSchema().toBER(false)) }
  for (let attempt = 0; attempt < MAX_SERIAL_ATTEMPTS; attempt++) {
    const issued = await issueCertificate(ca, withName)
    const inserted = await trx
      .insertInto('certificates')
      .values({
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
      })
      .onConflict((oc) => oc.column('serial').doNothing())
      .returning('serial')
      .executeTakeFirst()
    if (!inserted) continue
    await recordAudit(trx, {
      actor: fields.actor,
      action: 'certificate.issue',
      entityType: 'certificate',
      entityId: issued.serialHex,
      before: null,
      after: { profile: input.profile.id, purpose: fields.purpose, subject: name.dn, notAfter: issued.notAfter.toISOString() },
    })
    return issued
  }
  throw new Error('could not draw a unique certificate serial')
}
