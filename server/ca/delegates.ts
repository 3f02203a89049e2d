/**
 * The delegated certificates of the hierarchy — the OCSP responder's and the timestamp
 * authority's: each key certified by the issuing CA for one service only, renewed (same key, new
 * certificate) before its end, the former certificate kept beside it as <role>-<serial>.pem.
 * Written to the hierarchy's store (ca-store.ts): DATA_DIR/ca, or the database in the renewal's
 * own transaction, where every instance finds it.
 */
import { randomBytes } from 'node:crypto'
import type { Tx } from '../db/schema.ts'
import { EkuOid } from '../../src/pki/oids.ts'
import { toPem } from '../../src/pki/pem.ts'
import type { CaStore } from './ca-store.ts'
import {
  certificateFile, createKey, ISSUING_NAME, manifestFile, memberOf, nameDer, OCSP_NAME, openSigner, passphraseFor, PKCS11_MISSING, randomSerial,
  readCertificate, readManifest, addYears, TSA_NAME, type CaConfig, type CaHierarchy, type CaManifest, type CaMember, type DelegateRole,
} from './hierarchy.ts'
import {
  authorityInfoAccess, authorityKeyIdentifier, basicConstraints, certificateParts, crlDistributionPoints, extKeyUsage, keyIdentifier, keyUsage, ocspNoCheck,
  signCertificate, subjectKeyIdentifier,
} from './x509-build.ts'

/**
 * How long a delegated certificate (OCSP responder, TSA) lives; renewed OCSP_RENEW_BEFORE_MS
 * before its end.
 */
export const OCSP_CERT_YEARS = 2
export const OCSP_RENEW_BEFORE_MS = 60 * 24 * 3600_000

/**
 * What makes each delegated certificate what it is: its only EKU, critical, so the key cannot
 * stand in for the other service or for the CA.
 * - OCSP (RFC 6960 §4.2.2.2): OCSPSigning, and id-pkix-ocsp-nocheck so clients do not ask about
 *   the responder itself.
 * - TSA (RFC 3161 §2.3): timeStamping as the only EKU; it is checked for revocation like any
 *   certificate, so it names our OCSP responder and CRL.
 */
function delegateExtensions(role: DelegateRole, publicUrl: string): Buffer[] {
  if (role === OCSP_NAME) return [extKeyUsage([EkuOid.ocspSigning], true), ocspNoCheck()]
  return [
    extKeyUsage([EkuOid.timeStamping], true),
    authorityInfoAccess({ ocsp: `${publicUrl}/ocsp`, caIssuers: `${publicUrl}/ca/${ISSUING_NAME}.crt` }),
    crlDistributionPoints(`${publicUrl}/crl/${ISSUING_NAME}.crl`),
  ]
}

/**
 * A delegated certificate for `role`, issued by the issuing CA: end entity, digitalSignature,
 * the role's EKU. Never outlives its issuer.
 */
export function certifyDelegate(
  role: DelegateRole,
  issuer: Pick<CaMember, 'subject' | 'spki' | 'signer' | 'notAfter'>,
  holder: { readonly subject: Buffer; readonly spki: Buffer },
  now: Date,
  publicUrl = '',
): Buffer {
  const end = addYears(now, OCSP_CERT_YEARS)
  return signCertificate({
    serial: randomSerial(), issuer: issuer.subject, subject: holder.subject, notBefore: now,
    notAfter: end < issuer.notAfter ? end : issuer.notAfter, spki: holder.spki,
    extensions: [
      basicConstraints(false), keyUsage(role === TSA_NAME ? ['digitalSignature', 'nonRepudiation'] : ['digitalSignature']),
      ...delegateExtensions(role, publicUrl),
      subjectKeyIdentifier(keyIdentifier(holder.spki)), authorityKeyIdentifier(keyIdentifier(issuer.spki)),
    ],
  }, issuer.signer)
}

/**
 * True when a delegated certificate ends within OCSP_RENEW_BEFORE_MS of `now` (or has ended) and
 * a new one would last longer: one already capped at the issuing CA's end is not renewed again
 * and again (the hierarchy itself needs renewing then).
 */
export function delegateRenewalDue(member: Pick<CaMember, 'notAfter'>, issuing: Pick<CaMember, 'notAfter'>, now: Date): boolean {
  return member.notAfter.getTime() - now.getTime() < OCSP_RENEW_BEFORE_MS && member.notAfter < issuing.notAfter
}

/** delegateRenewalDue for the OCSP responder. */
export function ocspRenewalDue(hierarchy: Pick<CaHierarchy, 'ocsp' | 'issuing'>, now: Date): boolean {
  return delegateRenewalDue(hierarchy.ocsp, hierarchy.issuing, now)
}

/**
 * Certifies a delegated key again (same key and subject, new serial and validity) and replaces
 * <role>.pem in `store` — inside `trx` for the database — keeping the previous certificate as
 * <role>-<serial>.pem. Works for file and PKCS#11 keys alike: only the issuing CA signs. Returns
 * the new member; the caller swaps it in where the old one served.
 */
export async function renewDelegate(store: CaStore, publicUrl: string, issuing: CaMember, old: CaMember, now: Date, trx?: Tx): Promise<CaMember> {
  const role = old.name as DelegateRole
  if (issuing.notAfter <= now) throw new Error(`the issuing CA expired on ${issuing.notAfter.toISOString()}: it cannot certify the ${role} key`)
  const der = certifyDelegate(role, issuing, old, new Date(Math.floor(now.getTime() / 1000) * 1000), publicUrl)
  await store.write([{ name: `${role}-${old.serial.toString('hex')}.pem`, data: toPem(old.der, 'CERTIFICATE') }, certificateFile(role, der)], trx)
  return { ...certificateParts(der), name: role, der, keyId: old.keyId, signer: old.signer }
}

/**
 * Adds a delegated key and certificate to an existing hierarchy (the TSA, which hierarchies made
 * before it lack): the key where the hierarchy keeps its keys, with the hierarchy's algorithm, then
 * <role>.pem with its key file — or for a PKCS#11 key manifest.json naming its label — stored
 * only if no <role>.pem exists yet (store.create: on disk the manifest first, so a crash before
 * the certificate leaves only an unused token object; in the database one transaction). When
 * another instance sharing the database made the delegate meanwhile, ours is dropped (its token
 * object stays unused) and theirs opened. Returns the member; the caller owns its signer.
 */
export async function addDelegate(
  config: CaConfig,
  hierarchy: Pick<CaHierarchy, 'manifest' | 'issuing' | 'store'>,
  role: DelegateRole,
  commonName: string,
  options: { readonly keyIterations?: number; readonly now?: Date } = {},
): Promise<CaMember> {
  const { manifest, store } = hierarchy
  const label = `qoltanba-${role}-${randomBytes(4).toString('hex')}`
  if (manifest.keyStore === 'pkcs11' && !config.pkcs11) throw new Error(PKCS11_MISSING)
  const labelled = manifest.keyStore === 'pkcs11' ? [manifestFile({ ...manifest, labels: { ...manifest.labels, [role]: label } })] : []
  const key = createKey(
    manifest.keyStore === 'pkcs11' ? config : { pkcs11: undefined },
    role, label, manifest.keyAlgorithm, manifest.keyStore === 'file' ? passphraseFor(config, store, false) : '', options.keyIterations,
  )
  try {
    const now = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000)
    const dev = manifest.development ? ' DEV' : ''
    const der = certifyDelegate(role, hierarchy.issuing, { subject: nameDer(`QOLTANBA${dev} ${commonName}`), spki: key.signer.spki }, now, config.publicUrl)
    if (!(await store.create([certificateFile(role, der), ...(key.file ? [key.file] : [])], labelled))) {
      key.signer.close()
      const theirs = await loadDelegate(config, store, await readManifest(store), role)
      if (!theirs) throw new Error(`the ${role} certificate vanished from ${store.where}`)
      return theirs
    }
    const parts = certificateParts(der)
    return { ...parts, name: role, der, keyId: keyIdentifier(parts.spki), signer: key.signer }
  } catch (e) {
    key.signer.close()
    throw e
  }
}

/**
 * Opens a delegated member added by addDelegate (undefined when <role>.pem does not exist yet).
 * Checks the key matches the certificate.
 */
export async function loadDelegate(config: CaConfig, store: CaStore, manifest: CaManifest, role: DelegateRole): Promise<CaMember | undefined> {
  const der = await readCertificate(store, role)
  if (!der) return undefined
  return memberOf(role, der, await openSigner(config, store, manifest, role))
}
