/**
 * The root CA's CRL (RFC 5280 §5, an "ARL"): it says whether the issuing CA certificate is
 * revoked, so relying parties that check every certificate of the path (`openssl verify
 * -crl_check_all`, .NET or Java with online revocation) can finish. Issuing CA certificates
 * name it in their CRL distribution points (hierarchies made by this version on), it is served
 * at /crl/root.crl and kept as root.crl in the CA store (DATA_DIR/ca/root.crl, or the database's
 * ca_files with DATABASE_URL set: ca-store.ts), so it can be copied elsewhere too.
 *
 * What it lists lives in the database (ca_root_crl_entries, migration 005; added by
 * `qoltanba ca revoke-issuing`, issuing-ca-revocation.ts), and every signature lists exactly
 * that: a CRL re-signed because it nears its end or its file was lost keeps the revoked CA on
 * it. A file that does not list what the database holds (a revocation by another process, a
 * DATA_DIR restored from an older backup) is signed again at once, so the check below doubles
 * as the way a revocation reaches a running server.
 *
 * It changes rarely, so it can live long: a year, re-signed when under 30 days remain. The root
 * key signs only then: it is opened for the one signature and closed. CRL numbers come from
 * ca_crl_state (row 'root'), like the issuing CA's, so instances sharing a database never
 * publish two different CRLs under one number.
 */
import * as asn1js from 'asn1js'
import { sql } from 'kysely'
import * as pkijs from 'pkijs'
import type { Db, Tx } from '../db/schema.ts'
import type { PublishedCrl } from './crl.ts'
import { crlEntry, signCrl } from './crl-build.ts'
import { serialKey } from './crl-entries.ts'
import { adoptIssuingRevocation } from './root-crl-adoption.ts'
import type { CaStore } from './ca-store.ts'
import { openRootSigner, ROOT_NAME, type CaConfig, type CaHierarchy } from './hierarchy.ts'
import type { CaSigner } from './signer.ts'
import { ExtensionOid } from '../../src/pki/oids.ts'

export const ROOT_CRL_VALIDITY_MS = 365 * 24 * 3600_000
export const ROOT_CRL_REFRESH_BEFORE_MS = 30 * 24 * 3600_000

/** The root CRL in the CA store, or undefined when there is none or it cannot be read. */
export async function readRootCrl(store: CaStore): Promise<PublishedCrl | undefined> {
  const der = await store.read(`${ROOT_NAME}.crl`)
  if (!der) return undefined
  try {
    const crl = pkijs.CertificateRevocationList.fromBER(new Uint8Array(der))
    const number: unknown = crl.crlExtensions?.extensions.find((e) => e.extnID === ExtensionOid.cRLNumber)?.parsedValue
    const nextUpdate = crl.nextUpdate?.value
    if (!nextUpdate || !(number instanceof asn1js.Integer)) return undefined
    return {
      der,
      crlNumber: number.valueBlock.valueDec,
      thisUpdate: crl.thisUpdate.value,
      nextUpdate,
      entries: crl.revokedCertificates?.length ?? 0,
    }
  } catch {
    return undefined // unreadable: signed again
  }
}

/** True when `crl` is missing or has under ROOT_CRL_REFRESH_BEFORE_MS left at `now`. */
export function rootCrlDue(crl: PublishedCrl | undefined, now: Date): boolean {
  return !crl || crl.nextUpdate.getTime() - now.getTime() < ROOT_CRL_REFRESH_BEFORE_MS
}

/** The revokedCertificates the root CRL must hold: entry DERs back to back, in serial order. */
interface ListedEntries {
  readonly der: Buffer
  readonly count: number
}

/** Reads ca_root_crl_entries and encodes each row as its CRL entry (the order is the signing order). */
async function listedEntries(db: Db | Tx): Promise<ListedEntries> {
  const rows = await db.selectFrom('ca_root_crl_entries').select(['serial', 'revoked_at', 'reason']).orderBy('serial').execute()
  const der = Buffer.concat(rows.map((r) => crlEntry(Buffer.from(serialKey(r.serial), 'hex'), r.revoked_at, r.reason)))
  return { der, count: rows.length }
}

/**
 * True when `crl` lists exactly `listed`: the same number of entries, and the entries' bytes as
 * we sign them appear in it (our CRLs carry them verbatim, in this order). Anything else — an
 * entry missing, one added by hand, another revocation date — is signed again from the database.
 */
function listsExactly(crl: PublishedCrl, listed: ListedEntries): boolean {
  return crl.entries === listed.count && (listed.count === 0 || crl.der.includes(listed.der))
}

/**
 * Signs a root CRL inside `trx` with the root key `signer` and writes it to the CA store. The
 * ca_crl_state row is locked (upserted) BEFORE the entries are read, so a revocation that
 * committed while we waited for the lock is on the CRL, and two signers (the CLI beside a
 * running server) take turns: the file always ends at the highest number. The file is written
 * before the commit (in the database: within `trx`), so a failed write rolls the number back; the number follows both the
 * database and the file (a DATA_DIR restored next to a newer database, or the other way round,
 * still gets a higher number).
 */
export async function signRootCrlIn(trx: Tx, hierarchy: CaHierarchy, signer: CaSigner, now: Date): Promise<PublishedCrl> {
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000)
  const nextUpdate = new Date(thisUpdate.getTime() + ROOT_CRL_VALIDITY_MS)
  const floor = ((await readRootCrl(hierarchy.store))?.crlNumber ?? 0) + 1
  const state = await sql<{ crl_number: number }>`
    insert into ca_crl_state (issuer, crl_number, this_update, next_update, entries)
    values (${ROOT_NAME}, ${floor}, ${thisUpdate}, ${nextUpdate}, 0)
    on conflict (issuer) do update set crl_number = greatest(ca_crl_state.crl_number + 1, excluded.crl_number),
      this_update = excluded.this_update, next_update = excluded.next_update
    returning crl_number`.execute(trx)
  const crlNumber = Number(state.rows[0]?.crl_number)
  const listed = await listedEntries(trx)
  await trx.updateTable('ca_crl_state').set({ entries: listed.count }).where('issuer', '=', ROOT_NAME).execute()
  const der = signCrl(
    { issuer: hierarchy.root.subject, issuerKeyId: hierarchy.root.keyId, thisUpdate, nextUpdate, crlNumber, entries: listed.count ? [listed.der] : [] },
    signer,
  )
  await hierarchy.store.write([{ name: `${ROOT_NAME}.crl`, data: der }], trx)
  return { der, crlNumber, thisUpdate, nextUpdate, entries: listed.count }
}

/** The number of the last root CRL signed by anyone on this database (0: none yet). */
async function recordedCrlNumber(db: Db): Promise<number> {
  const row = await db.selectFrom('ca_crl_state').select('crl_number').where('issuer', '=', ROOT_NAME).executeTakeFirst()
  return Number(row?.crl_number ?? 0)
}

/**
 * Returns the current root CRL: the one in the CA store while it lists exactly what the
 * database holds and has 30 days or more left at `now`, else a new one signed now (the root key
 * is opened for that signature only, before the transaction, so a wrong passphrase changes
 * nothing). Called at start, by the CA's periodic check, and after a revocation.
 *
 * Re-signing is a run-once job across instances: when `maySign` says another instance holds the
 * 'root-crl' lock, an existing CRL is served as it is until the holder writes its new one into
 * the shared store, the database's ca_files (within one check period). It signs anyway when there
 * is none, or when the database already records a later CRL number than the stored CRL's: someone
 * signed a CRL this instance cannot read (a server of an older version with a DATA_DIR/ca of its
 * own), so waiting would not help.
 */
export async function ensureRootCrl(
  config: CaConfig,
  db: Db,
  hierarchy: CaHierarchy,
  now: Date,
  maySign: () => Promise<boolean> = async () => true,
): Promise<PublishedCrl> {
  const current = await readRootCrl(hierarchy.store)
  let listed = await listedEntries(db)
  // A genuine file that revokes the issuing CA behind the database's back (signed by hand before
  // migration 005) is recorded first, so the signature below keeps it.
  if (current && current.entries > 0 && !listsExactly(current, listed) && (await adoptIssuingRevocation(db, hierarchy, current))) listed = await listedEntries(db)
  if (current && !rootCrlDue(current, now) && listsExactly(current, listed)) return current
  if (current && (await recordedCrlNumber(db)) <= current.crlNumber && !(await maySign())) return current
  const signer = await openRootSigner(config, hierarchy)
  try {
    return await db.transaction().execute((trx) => signRootCrlIn(trx, hierarchy, signer, now))
  } finally {
    signer.close()
  }
}
