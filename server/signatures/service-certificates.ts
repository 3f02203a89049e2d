/**
 * Our own service certificates (the timestamp authority's, the OCSP responder's) are not in the
 * `certificates` table, so the database checker answers `unknown` for them and a timestamp from
 * our /tsp would never verify. A certificate we made for them is answered `good` (source
 * 'ca-authorities'); anything else goes to the sign-in checker unchanged.
 *
 * "Made by us" is an exact byte match with either the certificate recorded in `ca_authorities`
 * (the current one) or a former one that a renewal kept beside it as DATA_DIR/ca/<role>-<serial>.pem
 * (server/ca/hierarchy.ts renewDelegate) — and only when it certifies the same key as the recorded
 * one. A timestamp keeps its worth after the TSA certificate is renewed (CAdES-T: it stays valid
 * while its certificate verifies at genTime); the revocation of the issuing CA still reaches every
 * such certificate through the chain (root CRL). Limitation: with several instances on one
 * database, the former certificates are those in this instance's DATA_DIR/ca.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RevocationChecker } from '../../src/verifier/index.ts'
import type { ServerConfig } from '../config.ts'
import { caDir, OCSP_NAME, TSA_NAME } from '../ca/hierarchy.ts'
import { certificateParts } from '../ca/x509-build.ts'
import type { Db } from '../db/schema.ts'

/** How long the recorded certificates are reused before they are read again. */
const REFRESH_MS = 60_000

const ROLES: readonly string[] = [TSA_NAME, OCSP_NAME]

const derOfPem = (text: string): Buffer => Buffer.from(text.replace(/-----[^-]+-----|\s/g, ''), 'base64')

/**
 * The former certificates of `role` kept by renewals (<role>-<hex serial>.pem), those that
 * certify `spki`; a file that is missing, unreadable or of another key is left out.
 */
function formerCertificates(dir: string, role: string, spki: Buffer): Buffer[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const kept: Buffer[] = []
  for (const name of names) {
    if (!new RegExp(`^${role}-[0-9a-f]+\\.pem$`).test(name)) continue
    try {
      const der = derOfPem(readFileSync(join(dir, name), 'utf8'))
      if (certificateParts(der).spki.equals(spki)) kept.push(der)
    } catch {
      // Not a certificate: not one of ours.
    }
  }
  return kept
}

export function serviceCertificateChecker(db: Db, config: Pick<ServerConfig, 'dataDir'>, next: RevocationChecker): RevocationChecker {
  let loaded: { at: number; ders: Promise<Buffer[]> } | undefined
  const ours = async (): Promise<Buffer[]> => {
    const rows = await db.selectFrom('ca_authorities').select(['role', 'certificate']).where('role', 'in', [...ROLES]).execute()
    const dir = caDir(config)
    return rows.flatMap((r) => {
      const current = Buffer.from(r.certificate)
      return [current, ...formerCertificates(dir, r.role, certificateParts(current).spki)]
    })
  }
  const recorded = (): Promise<Buffer[]> => {
    if (!loaded || Date.now() - loaded.at > REFRESH_MS) {
      const ders = ours()
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
