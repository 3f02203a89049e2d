/**
 * Our own service certificates (the timestamp authority's, the OCSP responder's) are not in the
 * `certificates` table, so the database checker answers `unknown` for them and a timestamp from
 * our /tsp would never verify. A certificate we made for them is answered `good` (source
 * 'ca-authorities'); anything else goes to the sign-in checker unchanged.
 *
 * "Made by us" is an exact byte match with either the certificate recorded in `ca_authorities`
 * (the current one) or a former one that a renewal kept beside it as <role>-<serial>.pem in the CA
 * store (DATA_DIR/ca, or the database's ca_files; server/ca/delegates.ts renewDelegate) — and only when it certifies the same key as the recorded
 * one — or, for a former certificate renewed by another instance sharing the database, its serial
 * named as replaced by a renewal's audit row (ca.<role>_renew), the recorded key of that role and
 * a valid signature by our issuing CA. A timestamp keeps its worth after the TSA certificate is
 * renewed (CAdES-T: it stays valid while its certificate verifies at genTime); the revocation of
 * the issuing CA still reaches every such certificate through the chain (root CRL).
 */
import { X509Certificate, type KeyObject } from 'node:crypto'
import type { RevocationChecker } from '../../src/verifier/index.ts'
import type { ServerConfig } from '../config.ts'
import type { CaStore } from '../ca/ca-store.ts'
import { openCaStore } from '../ca/open-ca-store.ts'
import { OCSP_NAME, TSA_NAME } from '../ca/hierarchy.ts'
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
async function formerCertificates(store: CaStore, names: readonly string[], role: string, spki: Buffer): Promise<Buffer[]> {
  const kept: Buffer[] = []
  for (const name of names) {
    if (!new RegExp(`^${role}-[0-9a-f]+\\.pem$`).test(name)) continue
    try {
      const pem = await store.read(name)
      if (!pem) continue
      const der = derOfPem(pem.toString('utf8'))
      if (certificateParts(der).spki.equals(spki)) kept.push(der)
    } catch {
      // Not a certificate: not one of ours.
    }
  }
  return kept
}

/** What identifies our service certificates, read from the database and the CA store. */
interface Ours {
  /** The current certificates and the former ones kept in the CA store: matched byte for byte. */
  readonly exact: Buffer[]
  /** Per recorded role: its key, and the serials (hex) its renewals replaced (audit ca.<role>_renew). */
  readonly former: Array<{ readonly spki: Buffer; readonly serials: ReadonlySet<string> }>
  /** The issuing CA's public key, which must have signed a former certificate. */
  readonly issuingKey: KeyObject | undefined
}

/** The `before.serial` of a renewal's audit row (jsonb: an object, or its text on some drivers). */
function serialBefore(before: unknown): string | undefined {
  const value = typeof before === 'string' ? (JSON.parse(before) as unknown) : before
  const serial = (value as { serial?: unknown } | null)?.serial
  return typeof serial === 'string' ? serial.toLowerCase() : undefined
}

async function readOurs(db: Db, store: CaStore): Promise<Ours> {
  const rows = await db.selectFrom('ca_authorities').select(['role', 'certificate']).where('role', 'in', ['issuing', 'tsa', 'ocsp'] as const).execute()
  const renewals = await db
    .selectFrom('audit_log')
    .select(['entity_id', 'before'])
    .where('action', 'in', ROLES.map((r) => `ca.${r}_renew`))
    .execute()
  const names = await store.list()
  const exact: Buffer[] = []
  const former: Array<{ spki: Buffer; serials: Set<string> }> = []
  let issuingKey: KeyObject | undefined
  for (const r of rows) {
    const current = Buffer.from(r.certificate)
    if (r.role === 'issuing') {
      issuingKey = new X509Certificate(current).publicKey
      continue
    }
    const role = r.role as string
    const spki = certificateParts(current).spki
    exact.push(current, ...(await formerCertificates(store, names, role, spki)))
    const serials = new Set(renewals.filter((a) => a.entity_id === role).map((a) => serialBefore(a.before)).filter((x): x is string => x !== undefined))
    if (serials.size) former.push({ spki, serials })
  }
  return { exact, former, issuingKey }
}

/**
 * A former certificate renewed elsewhere whose file is not in our store (a DATA_DIR/ca of old):
 * a serial our renewal audit names as replaced, the recorded key of that role, and a signature
 * by our issuing CA — only our CA certifies our service keys, so this is one we made.
 */
function formerByRecord(ours: Ours, der: Buffer): boolean {
  if (!ours.former.length || !ours.issuingKey) return false
  let parts: ReturnType<typeof certificateParts>
  try {
    parts = certificateParts(der)
  } catch {
    return false
  }
  const serial = parts.serial.toString('hex')
  const role = ours.former.find((f) => f.serials.has(serial) && f.spki.equals(parts.spki))
  if (!role) return false
  try {
    return new X509Certificate(der).verify(ours.issuingKey)
  } catch {
    return false
  }
}

export function serviceCertificateChecker(db: Db, config: Pick<ServerConfig, 'dataDir' | 'databaseUrl'>, next: RevocationChecker): RevocationChecker {
  const store = openCaStore(config, db)
  let loaded: { at: number; ours: Promise<Ours> } | undefined
  const recorded = (): Promise<Ours> => {
    if (!loaded || Date.now() - loaded.at > REFRESH_MS) {
      const ours = readOurs(db, store)
      loaded = { at: Date.now(), ours }
      ours.catch(() => (loaded = undefined))
    }
    return loaded.ours
  }
  return {
    async check(certificate, issuer, now) {
      const ours = await recorded()
      const der = Buffer.from(certificate.der)
      if (ours.exact.some((d) => d.equals(der)) || formerByRecord(ours, der)) return { status: 'good', source: 'ca-authorities' }
      return next.check(certificate, issuer, now)
    },
  }
}
