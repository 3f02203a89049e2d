/**
 * The root CA's CRL (RFC 5280 §5, an "ARL"): it says whether the issuing CA certificate is
 * revoked, so relying parties that check every certificate of the path (`openssl verify
 * -crl_check_all`, .NET or Java with online revocation) can finish. Issuing CA certificates
 * name it in their CRL distribution points (hierarchies made by this version on), it is served
 * at /crl/root.crl and kept in DATA_DIR/ca/root.crl, so it can be copied elsewhere too.
 *
 * Its list is empty: nothing in Qoltanba revokes the issuing CA (a compromised issuing CA means
 * a new hierarchy). So it can live long: a year, re-signed when under 30 days remain (checked at
 * start and by the CA's 12-hour check). The root key signs only then: it is opened for the one
 * signature and closed. CRL numbers come from ca_crl_state (row 'root'), like the issuing CA's,
 * so instances sharing a database never publish two different CRLs under one number.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as asn1js from 'asn1js'
import { sql } from 'kysely'
import * as pkijs from 'pkijs'
import type { Db } from '../db/schema.ts'
import type { PublishedCrl } from './crl.ts'
import { signCrl } from './crl-build.ts'
import { caDir, openRootSigner, ROOT_NAME, writeCaFile, type CaConfig, type CaHierarchy } from './hierarchy.ts'

export const ROOT_CRL_VALIDITY_MS = 365 * 24 * 3600_000
export const ROOT_CRL_REFRESH_BEFORE_MS = 30 * 24 * 3600_000
const CRL_NUMBER_OID = '2.5.29.20'

/** The root CRL in DATA_DIR/ca, or undefined when there is none or it cannot be read. */
export function readRootCrl(config: Pick<CaConfig, 'dataDir'>): PublishedCrl | undefined {
  let der: Buffer
  try {
    der = readFileSync(join(caDir(config), `${ROOT_NAME}.crl`))
  } catch {
    return undefined
  }
  try {
    const crl = pkijs.CertificateRevocationList.fromBER(new Uint8Array(der))
    const number: unknown = crl.crlExtensions?.extensions.find((e) => e.extnID === CRL_NUMBER_OID)?.parsedValue
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

/**
 * Returns the current root CRL, signing a new one first when it is due. The number follows both
 * the database and the file (a DATA_DIR restored next to a newer database, or the other way
 * round, still gets a higher number).
 */
export async function ensureRootCrl(config: CaConfig, db: Db, hierarchy: CaHierarchy, now: Date): Promise<PublishedCrl> {
  const current = readRootCrl(config)
  if (current && !rootCrlDue(current, now)) return current
  const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000)
  const nextUpdate = new Date(thisUpdate.getTime() + ROOT_CRL_VALIDITY_MS)
  const floor = (current?.crlNumber ?? 0) + 1
  const state = await sql<{ crl_number: number }>`
    insert into ca_crl_state (issuer, crl_number, this_update, next_update, entries)
    values (${ROOT_NAME}, ${floor}, ${thisUpdate}, ${nextUpdate}, 0)
    on conflict (issuer) do update set crl_number = greatest(ca_crl_state.crl_number + 1, excluded.crl_number),
      this_update = excluded.this_update, next_update = excluded.next_update, entries = 0
    returning crl_number`.execute(db)
  const crlNumber = Number(state.rows[0]?.crl_number)
  const signer = openRootSigner(config, hierarchy)
  try {
    const der = signCrl({ issuer: hierarchy.root.subject, issuerKeyId: hierarchy.root.keyId, thisUpdate, nextUpdate, crlNumber, entries: [] }, signer)
    writeCaFile(config, `${ROOT_NAME}.crl`, der)
    return { der, crlNumber, thisUpdate, nextUpdate, entries: 0 }
  } finally {
    signer.close()
  }
}
