/**
 * Who signs in to a portal: an account snapshot taken when the person completes the provider's
 * login with a fresh certificate sign-in. The accountId is `<IIN>.<certificate ref>`, so the claims
 * (names, x5t#S256, amr) are those of the certificate actually used; the pairwise `sub` is derived
 * from the IIN alone and the portal's sector, so it stays the same when the person renews the
 * certificate and differs between portals. The thumbprint comes from the session (recorded at
 * sign-in from the signer certificate), so a foreign certificate — NCA's, through
 * TRUST_ANCHORS_DIR — has one as well as ours: one source for every certificate.
 */
import { createHash, createHmac } from 'node:crypto'
import type { Db } from '../db/schema.ts'
import type { AuthSession } from '../auth/schema.ts'
import { personNameFromDn } from '../auth/person-name.ts'
import { getProfile } from '../profiles/index.ts'
import { AMR_HARDWARE_KEY, AMR_SOFTWARE_KEY } from './claims.ts'
import { KyselyAdapter } from './adapter.ts'

/** The snapshot's model name in oidc_payloads. */
export const ACCOUNT_MODEL = 'QoltanbaAccount'
/** Kept as long as a refresh token may live, renewed at every sign-in. */
export const ACCOUNT_TTL_SECONDS = 30 * 24 * 60 * 60

export interface AccountSnapshot {
  readonly iin: string
  readonly bin: string | null
  readonly subjectDn: string
  readonly certificateSerial: string
  /** base64url SHA-256 of the certificate DER, from the session; null only for a session older than migration 014. */
  readonly x5tS256: string | null
  readonly hardwareKey: boolean
  readonly email: string | null
  readonly organizationName: string | null
  readonly organizationRole: string | null
}

/** The IIN part of an accountId. */
export const iinOfAccount = (accountId: string) => accountId.split('.')[0] ?? ''

/** The certificate behind a session, read from our CA's records when our CA issued it. */
interface OwnCertificate {
  der: Uint8Array
  status: 'good' | 'revoked' | 'hold'
  iin: string | null
  storage: string | null
  email: string | null
  organization: string | null
  profile: string
}

export async function ownCertificateOf(db: Db, serial: string): Promise<OwnCertificate | undefined> {
  return db
    .selectFrom('certificates as c')
    .leftJoin('applications as a', 'a.number', 'c.application_number')
    .select(['c.der', 'c.status', 'c.iin', 'c.profile', 'a.storage', 'a.email', 'a.organization'])
    .where('c.serial', '=', serial)
    .executeTakeFirst()
}

const sha256Url = (der: Uint8Array) => createHash('sha256').update(der).digest('base64url')

/** Attribute value from a "TYPE=value, …" DN line (for foreign certificates' organisation). */
function dnAttribute(dn: string, type: string): string | null {
  const m = new RegExp(`(?:^|,\\s*)${type}=([^,]+)`, 'i').exec(dn)
  return m?.[1]?.trim() ?? null
}

/**
 * The snapshot of a signed-in session's certificate. Hardware key: our CA issued the certificate
 * for a key the application declared on a token; anything else (a browser container, a file, a
 * foreign certificate we cannot vouch for) counts as a software key.
 */
export async function snapshotOf(db: Db, session: AuthSession, own: OwnCertificate | undefined): Promise<{ accountId: string; account: AccountSnapshot }> {
  // Our record describes the certificate used only when its DER has the session's thumbprint (a
  // foreign certificate may share a serial, even an IIN, with one of ours); sessions older than
  // migration 014 have no thumbprint and fall back to the IIN check.
  const thumbprint = session.certificate_sha256 ?? null
  const mine = own && own.iin === session.iin && (thumbprint === null || sha256Url(own.der) === thumbprint) ? own : undefined
  const profile = mine ? getProfile(mine.profile) : undefined
  const account: AccountSnapshot = {
    iin: session.iin,
    bin: session.bin,
    subjectDn: session.subject_dn,
    certificateSerial: session.certificate_serial,
    x5tS256: thumbprint,
    hardwareKey: mine?.storage === 'token',
    email: mine?.email ?? null,
    organizationName: session.bin ? (mine?.organization ?? dnAttribute(session.subject_dn, 'O')) : null,
    organizationRole: session.bin ? (profile?.role ?? null) : null,
  }
  const ref = createHash('sha256').update(`${session.certificate_issuer}|${session.certificate_serial}`).digest('base64url').slice(0, 16)
  const accountId = `${session.iin}.${ref}`
  await new KyselyAdapter(db, ACCOUNT_MODEL).upsert(accountId, { ...account } as never, ACCOUNT_TTL_SECONDS)
  return { accountId, account }
}

export async function loadAccount(db: Db, accountId: string): Promise<AccountSnapshot | undefined> {
  return (await new KyselyAdapter(db, ACCOUNT_MODEL).find(accountId)) as AccountSnapshot | undefined
}

/** amr of a snapshot (RFC 8176). */
export const amrOf = (account: Pick<AccountSnapshot, 'hardwareKey'>) => [account.hardwareKey ? AMR_HARDWARE_KEY : AMR_SOFTWARE_KEY]

/** Every claim the account can give; oidc-provider releases only what the grant's scopes allow. */
export function claimsOf(account: AccountSnapshot, sub: string): Record<string, unknown> {
  const name = personNameFromDn(account.subjectDn)
  const claims: Record<string, unknown> = { sub, iin: account.iin }
  if (name.full) claims.name = name.full
  if (name.surname) claims.family_name = name.surname
  if (name.name) claims.given_name = name.name
  if (name.patronymic) claims.middle_name = name.patronymic
  if (account.email) claims.email = account.email
  if (account.bin) {
    claims.bin = account.bin
    if (account.organizationName) claims.organization_name = account.organizationName
    if (account.organizationRole) claims.organization_role = account.organizationRole
  }
  if (account.x5tS256) claims['x5t#S256'] = account.x5tS256
  return claims
}

/** Pairwise subject: HMAC(key, sector | IIN), base64url; one per person and portal. */
export function pairwiseSubject(key: Buffer, sectorIdentifier: string, accountId: string): string {
  return createHmac('sha256', key).update(`${sectorIdentifier}|${iinOfAccount(accountId)}`).digest('base64url')
}
