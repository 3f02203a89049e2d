/**
 * Our own service certificates (the timestamp authority's, the OCSP responder's) are not in the
 * `certificates` table, so the database checker answers `unknown` for them and a timestamp from
 * our /tsp would never verify. They are recorded in `ca_authorities` (the CA's own keys): a
 * certificate recorded there is answered `good` (source 'ca-authorities'); anything else goes to
 * the sign-in checker. Limitation: a TSA certificate replaced by a renewal is no longer recorded,
 * so timestamps it made read ERR_TIMESTAMP_INVALID (revocation unknown) until renewals keep history.
 */
import type { RevocationChecker } from '../../src/verifier/index.ts'
import type { Db } from '../db/schema.ts'

/** How long the recorded certificates are reused before they are read again. */
const REFRESH_MS = 60_000

export function serviceCertificateChecker(db: Db, next: RevocationChecker): RevocationChecker {
  let loaded: { at: number; ders: Promise<Buffer[]> } | undefined
  const recorded = (): Promise<Buffer[]> => {
    if (!loaded || Date.now() - loaded.at > REFRESH_MS) {
      const ders = db
        .selectFrom('ca_authorities')
        .select('certificate')
        .where('role', 'in', ['tsa', 'ocsp'])
        .execute()
        .then((rows) => rows.map((r) => Buffer.from(r.certificate)))
      loaded = { at: Date.now(), ders }
      ders.catch(() => (loaded = undefined))
    }
    return loaded.ders
  }
  return {
    async check(certificate, issuer, now) {
      const ders = await recorded()
      if (ders.some((d) => d.equals(certificate.der))) return { status: 'good', source: 'ca-authorities' }
      return next.check(certificate, issuer, now)
    },
  }
}
