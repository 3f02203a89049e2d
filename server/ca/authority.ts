/**
 * The loaded certificate authority: hierarchy + CRL publisher + OCSP responder, recorded in the
 * database (ca_authorities) so a database can never silently be served by another CA.
 */
import type { ServerConfig } from '../config.ts'
import type { Db } from '../db/schema.ts'
import { CrlPublisher, type CrlOptions, type PublishedCrl } from './crl.ts'
import { openCaStore } from './open-ca-store.ts'
import { fileCaStore } from './ca-store-files.ts'
import { CaHierarchyMissingError, importCaFiles } from './ca-import.ts'
import { delegateRenewalDue, renewDelegate } from './delegates.ts'
import { caDir, hierarchyExists, loadHierarchy, type CaConfig, type CaHierarchy, type CaMember } from './hierarchy.ts'
import { initCertificateAuthority, type InitOptions } from './hierarchy-init.ts'
import type { IssuingCa } from './issue.ts'
import { OcspResponder, type OcspOptions } from './ocsp.ts'
import type { StatusListener } from './revocation.ts'
import { certificateParts } from './x509-build.ts'
import * as pkijs from 'pkijs'
import { describeName } from '../../src/pki/names.ts'
import { recordAudit } from '../audit/audit.ts'
import { ensureRootCrl } from './root-crl.ts'
import { issuingCaRevocation, type IssuingCaRevocation } from './issuing-ca-revocation.ts'

/** A loaded CA: what issuance, revocation and the PKI routes use. */
export interface CertificateAuthority extends IssuingCa, StatusListener {
  readonly hierarchy: CaHierarchy
  readonly publicUrl: string
  /** True for the automatic development hierarchy. */
  readonly development: boolean
  readonly crl: CrlPublisher
  readonly ocsp: OcspResponder
  /** Call after a status change committed: OCSP forgets the serial, a new CRL follows soon. */
  statusChanged(serial: string): void
  /**
   * Renews the OCSP responder certificate when it ends within OCSP_RENEW_BEFORE_MS of `now`
   * (checked at load and twice a day); true when it did.
   */
  renewOcspIfDue(now?: Date): Promise<boolean>
  /**
   * The twice-daily check of a running server: first takes up an OCSP responder certificate that
   * another instance renewed (same key, recorded in ca_authorities, ending later), then renews
   * if due — only on the instance holding the 'ocsp-renewal' job lock (LoadOptions.holdsJobLock).
   */
  checkOcspRenewal(now?: Date): Promise<'renewed' | 'adopted' | 'unchanged'>
  /**
   * Whether this instance runs the CA job `job` now (LoadOptions.holdsJobLock): the TSA asks it
   * before renewing its certificate.
   */
  holdsJobLock(job: CaJob): Promise<boolean>
  /** The root CA's CRL as published at /crl/root.crl (see root-crl.ts). */
  rootCrl(): PublishedCrl
  /**
   * Takes up the root CRL of the CA store (DATA_DIR/ca, or the database), or signs a new one, when under 30 days remain or it
   * does not list exactly the database's entries (a revocation by `qoltanba ca revoke-issuing`);
   * checked at load and every `rootCrlCheckMs`. Only the holder of the 'root-crl' job lock signs
   * over an existing file; the others serve the file until the holder's new one is there.
   */
  refreshRootCrl(now?: Date): Promise<PublishedCrl>
  /**
   * The issuing CA certificate's revocation as of the last root CRL check (load, every
   * `rootCrlCheckMs`, `refreshRootCrl()`), or undefined while it is not revoked. Read from memory:
   * issuance refuses while it is set (ERR_ISSUING_CA_REVOKED) and OCSP answers revoked.
   */
  issuingCaRevocation(): IssuingCaRevocation | undefined
  /** Stops timers and closes token sessions. */
  close(): void
}

/**
 * The CA's run-once jobs: with several instances on one database each runs on the instance
 * holding its advisory lock (server/ops/job-locks.ts); the others take its result up.
 */
export type CaJob = 'ocsp-renewal' | 'tsa-renewal' | 'root-crl'

export interface LoadOptions {
  readonly crl?: CrlOptions
  readonly ocsp?: OcspOptions
  /** Start building the first CRL at once (default true). */
  readonly warmCrl?: boolean
  /** The clock of the load-time OCSP renewal check (tests move it). */
  readonly now?: Date
  /** Period of the root CRL check (default ROOT_CRL_CHECK_MS). */
  readonly rootCrlCheckMs?: number
  /**
   * Whether this instance may run a run-once job now: with several instances on one database,
   * an advisory lock (server/ops/advisory-lock.ts). Default: always (one instance).
   */
  readonly holdsJobLock?: (job: CaJob) => Promise<boolean>
}

/** How often a running server checks the OCSP responder certificate. */
const OCSP_RENEWAL_CHECK_MS = 12 * 3600_000
/**
 * How often a running server compares its root CRL with the database: this is how a revocation
 * of the issuing CA by the CLI (beside a server on PostgreSQL) reaches it, so it bounds that
 * delay. One small query and a read of a small file.
 */
export const ROOT_CRL_CHECK_MS = 60_000

/**
 * Renews a delegated certificate (OCSP responder, TSA) if due: the new certificate is recorded
 * in ca_authorities with its audit row (ca.<role>_renew) in one transaction, and <role>.pem is
 * replaced inside that transaction — in the database's CA store as part of it, in DATA_DIR/ca
 * before its commit, so a failed write rolls the record back. (If the commit itself fails after
 * the file moved, the next start brings the record up to date: same key.) Several instances
 * sharing the database may each renew; every result is a valid certificate (the job lock makes
 * it one). Returns the new member, or undefined when no renewal was due.
 */
export async function renewDelegateIfDue(
  config: CaConfig,
  db: Db,
  hierarchy: Pick<CaHierarchy, 'issuing' | 'store'>,
  current: CaMember,
  now: Date,
): Promise<CaMember | undefined> {
  const { issuing } = hierarchy
  if (!delegateRenewalDue(current, issuing, now)) return undefined
  return db.transaction().execute(async (trx) => {
    const describe = (m: CaMember) => ({ serial: m.serial.toString('hex'), notBefore: m.notBefore.toISOString(), notAfter: m.notAfter.toISOString() })
    const member = await renewDelegate(hierarchy.store, config.publicUrl, issuing, current, now, trx)
    await trx.updateTable('ca_authorities').set({ certificate: member.der }).where('name', '=', member.name).execute()
    await recordAudit(trx, {
      actor: 'system', action: `ca.${member.name}_renew`, entityType: 'ca', entityId: member.name, before: describe(current), after: describe(member),
    })
    return member
  })
}

/**
 * A delegated certificate (OCSP responder, TSA) that another instance renewed: the one recorded
 * in ca_authorities when it has the same key and a later end than `current`, else undefined. An
 * older record (a start from a stale DATA_DIR copy) is never taken up over a newer certificate.
 */
export async function recordedRenewal(db: Db, current: CaMember): Promise<CaMember | undefined> {
  const row = await db.selectFrom('ca_authorities').select('certificate').where('name', '=', current.name).executeTakeFirst()
  if (!row) return undefined
  const der = Buffer.from(row.certificate)
  if (der.equals(current.der)) return undefined
  const parts = certificateParts(der)
  if (!parts.spki.equals(current.spki) || parts.notAfter <= current.notAfter) return undefined
  return { ...parts, name: current.name, der, keyId: current.keyId, signer: current.signer }
}

/** renewDelegateIfDue for the OCSP responder; swaps the renewed certificate into the hierarchy. */
async function renewOcspIfDue(config: CaConfig, db: Db, h: CaHierarchy, now: Date): Promise<boolean> {
  const renewed = await renewDelegateIfDue(config, db, h, h.ocsp, now)
  if (renewed) h.ocsp = renewed
  return renewed !== undefined
}

function dnOf(nameDer: Buffer): string {
  // Reuse pki's readable DN (the same text the platform stores in certificates.subject_dn).
  return describeName(pkijs.RelativeDistinguishedNames.fromBER(new Uint8Array(nameDer))).dn
}

/** Records the hierarchy in ca_authorities, or checks the recorded one is the same. */
async function recordHierarchy(db: Db, h: CaHierarchy): Promise<void> {
  for (const m of [h.root, h.issuing, h.ocsp]) await recordMember(db, h, m)
}

/**
 * Records one CA certificate in ca_authorities (the TSA's too), or checks the recorded one has
 * the same key; a new certificate for the same key (a renewal) replaces the record.
 */
export async function recordMember(db: Db, { manifest, store }: Pick<CaHierarchy, 'manifest' | 'store'>, m: Omit<CaMember, 'signer'>): Promise<void> {
  await db
    .insertInto('ca_authorities')
    .values({
      name: m.name,
      role: m.name,
      subject_dn: dnOf(m.subject),
      certificate: m.der,
      key_store: manifest.keyStore,
      development: manifest.development,
    })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
  const row = await db.selectFrom('ca_authorities').select('certificate').where('name', '=', m.name).executeTakeFirstOrThrow()
  const recorded = certificateParts(row.certificate)
  if (!recorded.spki.equals(m.spki)) {
    throw new Error(`the database belongs to another CA: its ${m.name} certificate has a different key than ${m.name}.pem in ${store.where}`)
  }
  if (!Buffer.from(row.certificate).equals(m.der)) {
    // Same key, new certificate (e.g. a renewed OCSP responder): keep the record current.
    await db.updateTable('ca_authorities').set({ certificate: m.der, subject_dn: dnOf(m.subject) }).where('name', '=', m.name).execute()
  }
}

/**
 * Loads the hierarchy from its store — DATA_DIR/ca, or the database with DATABASE_URL set —
 * (throws when there is none; see ensureCertificateAuthority).
 */
export async function loadCertificateAuthority(config: CaConfig, db: Db, options: LoadOptions = {}): Promise<CertificateAuthority> {
  const hierarchy = await loadHierarchy(config, openCaStore(config, db))
  const holdsJobLock = options.holdsJobLock ?? (async () => true)
  let rootCrl: PublishedCrl
  let issuingRevocation: IssuingCaRevocation | undefined
  try {
    await recordHierarchy(db, hierarchy)
    if ((await holdsJobLock('ocsp-renewal')) && (await renewOcspIfDue(config, db, hierarchy, options.now ?? new Date()))) {
      console.warn(`OCSP responder certificate renewed: serial ${hierarchy.ocsp.serial.toString('hex')}, valid until ${hierarchy.ocsp.notAfter.toISOString()}`)
    }
    rootCrl = await ensureRootCrl(config, db, hierarchy, options.now ?? new Date(), () => holdsJobLock('root-crl'))
    issuingRevocation = await issuingCaRevocation(db, hierarchy)
  } catch (e) {
    hierarchy.close()
    throw e
  }
  const crl = new CrlPublisher(db, hierarchy.issuing, options.crl)
  const ocsp = new OcspResponder(db, hierarchy.issuing, hierarchy.ocsp, options.ocsp)
  ocsp.useIssuerRevocation(issuingRevocation)
  // Build the first CRL in the background: with many revoked certificates the full read takes
  // a while, and the first GET /crl should not be the one waiting for it.
  if (options.warmCrl !== false) crl.regenerate().catch((e: unknown) => console.error('initial CRL generation failed', e))
  const renewOcsp = async (now = new Date()): Promise<boolean> => {
    const renewed = await renewOcspIfDue(config, db, hierarchy, now)
    if (renewed) ocsp.useResponder(hierarchy.ocsp)
    return renewed
  }
  // Another instance's renewal: same key, a later end.
  const adoptRecordedOcsp = async (): Promise<boolean> => {
    const recorded = await recordedRenewal(db, hierarchy.ocsp)
    if (!recorded) return false
    hierarchy.ocsp = recorded
    ocsp.useResponder(hierarchy.ocsp)
    return true
  }
  const checkOcspRenewal = async (now = new Date()): Promise<'renewed' | 'adopted' | 'unchanged'> => {
    const adopted = await adoptRecordedOcsp()
    if ((await holdsJobLock('ocsp-renewal')) && (await renewOcsp(now))) return 'renewed'
    return adopted ? 'adopted' : 'unchanged'
  }
  // The revocation is read with the root CRL state it belongs to: one primary-key lookup a minute.
  const refreshRootCrl = async (now = new Date()): Promise<PublishedCrl> => {
    rootCrl = await ensureRootCrl(config, db, hierarchy, now, () => holdsJobLock('root-crl'))
    issuingRevocation = await issuingCaRevocation(db, hierarchy)
    ocsp.useIssuerRevocation(issuingRevocation)
    return rootCrl
  }
  const renewalTimer = setInterval(() => {
    checkOcspRenewal().catch((e: unknown) => console.error('OCSP responder certificate renewal failed (retried in 12 h)', e))
  }, OCSP_RENEWAL_CHECK_MS)
  renewalTimer.unref()
  const rootCrlTimer = setInterval(() => {
    refreshRootCrl().catch((e: unknown) => console.error('root CRL refresh failed (retried at the next check)', e))
  }, options.rootCrlCheckMs ?? ROOT_CRL_CHECK_MS)
  rootCrlTimer.unref()
  return {
    hierarchy,
    publicUrl: config.publicUrl,
    development: hierarchy.manifest.development,
    crl,
    ocsp,
    statusChanged(serial: string) {
      ocsp.invalidate(serial)
      crl.changed()
    },
    renewOcspIfDue: renewOcsp,
    checkOcspRenewal,
    holdsJobLock,
    rootCrl: () => rootCrl,
    refreshRootCrl,
    issuingCaRevocation: () => issuingRevocation,
    close() {
      clearInterval(renewalTimer)
      clearInterval(rootCrlTimer)
      crl.close()
      hierarchy.close()
    },
  }
}

const BANNER = (dir: string, passphraseFile: boolean) => [
  '',
  '*************************************************************************************',
  '*  DEVELOPMENT CA: a new root CA, issuing CA and OCSP responder were just created   *',
  '*  for this server. Certificates it issues are for testing only; nobody outside     *',
  '*  this machine trusts them. For production run `qoltanba ca init` with a real      *',
  '*  CA_KEY_PASSPHRASE (or PKCS11_MODULE) before the first start.                    *',
  '*************************************************************************************',
  `   CA files: ${dir}`,
  ...(passphraseFile ? [`   Key passphrase (development only): ${dir}/passphrase (mode 0600)`] : []),
  '',
]

/**
 * For start-up: loads the CA, creating a development hierarchy first when DATA_DIR has none (and
 * saying so loudly). Every start of a development CA repeats a one-line warning. With
 * DATABASE_URL set the hierarchy is the database's: one still in this instance's DATA_DIR/ca is
 * imported (ca-import.ts), else CaHierarchyMissingError — unless CA_INIT_DEVELOPMENT asks for a
 * development hierarchy made in the database (keys under CA_KEY_PASSPHRASE, or PKCS#11).
 */
export async function ensureCertificateAuthority(
  config: CaConfig & Partial<Pick<ServerConfig, 'databaseUrl' | 'caInitDevelopment'>>,
  db: Db,
  options: LoadOptions & Pick<InitOptions, 'keyIterations' | 'log'> & {
    /**
     * Called once, after loading, when this start created a new development hierarchy (npm start
     * creates the demo operator there: createDemoOperator in server/operators/credential.ts). A
     * callback, so the CA does not depend on operator accounts.
     */
    readonly onCreated?: (ca: CertificateAuthority, log: (line: string) => void) => Promise<void>
  } = {},
): Promise<CertificateAuthority> {
  const log = options.log ?? ((line: string) => console.warn(line))
  let created = false
  const store = openCaStore(config, db)
  const iterations = options.keyIterations ? { keyIterations: options.keyIterations } : {}
  if (!(await hierarchyExists(store))) {
    const toImport = store.kind === 'database' && (await hierarchyExists(fileCaStore(caDir(config))))
    if (toImport) {
      const r = await importCaFiles(config, db, iterations)
      if (r.imported) log(`The CA hierarchy of ${r.from} was imported into the database (ca_files); DATA_DIR/ca is no longer read.`)
    } else if (store.kind === 'database' && !config.caInitDevelopment) {
      throw new CaHierarchyMissingError()
    } else {
      await initCertificateAuthority(config, store, { development: true, ...iterations, log })
      for (const line of BANNER(store.where, store.kind === 'files' && !config.caKeyPassphrase && !config.pkcs11)) log(line)
      created = true
    }
  }
  const ca = await loadCertificateAuthority(config, db, options)
  if (ca.development) log(`WARNING: this server runs a DEVELOPMENT CA (${store.where}); do not use its certificates in production.`)
  if (created && options.onCreated) await options.onCreated(ca, log)
  return ca
}


/** Narrows the platform's CA provider result (typed IssuingCa) to the full CertificateAuthority. */
export function asCertificateAuthority(ca: IssuingCa): CertificateAuthority {
  const full = ca as Partial<CertificateAuthority>
  if (!full.ocsp || !full.crl || typeof full.statusChanged !== 'function') throw new Error('the configured CA has no OCSP/CRL services')
  return full as CertificateAuthority
}
