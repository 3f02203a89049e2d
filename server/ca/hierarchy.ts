/**
 * The CA hierarchy on disk: a root CA, an issuing CA and a delegated OCSP responder, each a
 * certificate (PEM) plus a key — an encrypted PKCS#8 file in DATA_DIR/ca or a key pair inside the
 * configured PKCS#11 token — described by DATA_DIR/ca/manifest.json.
 *
 * Key algorithm: RSA-3072 by default (CA_KEY_ALGORITHM=P-256 switches to ECDSA). Why RSA: it is
 * what NCA RK's RSA CA and every relying party in Kazakhstan handles (GOST aside), and ≥3072 bits
 * keeps it sound past 2030 (NIST SP 800-57). Its cost is signing speed (~1k/s vs ~38k/s for
 * P-256 on this hardware), and we take it off the hot paths instead of choosing the curve for
 * speed: OCSP responses are pre-signed and cached (only nonce requests sign), a CRL is one
 * signature however long it is, and issuance is bounded by the database, not by the signature.
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Pkcs11Config, ServerConfig } from '../config.ts'
import { buildName } from '../../src/pki/names.ts'
import { EkuOid } from '../../src/pki/oids.ts'
import { toPem } from '../../src/pki/pem.ts'
import { decryptKeyPem, encryptKeyToPem, DEFAULT_KEY_ITERATIONS } from './key-file.ts'
import { generateTokenKey, pkcs11Signer } from './pkcs11-signer.ts'
import { softwareSigner, type CaKeyAlgorithm, type CaSigner } from './signer.ts'
import {
  authorityInfoAccess, authorityKeyIdentifier, basicConstraints, certificateParts, crlDistributionPoints, extKeyUsage, keyIdentifier, keyUsage, ocspNoCheck,
  signCertificate, subjectKeyIdentifier, type CertificateParts,
} from './x509-build.ts'

/** The CA settings this module needs from ServerConfig. */
export type CaConfig = Pick<ServerConfig, 'dataDir' | 'publicUrl' | 'caKeyPassphrase' | 'pkcs11'> & {
  /** CA_KEY_ALGORITHM; RSA-3072 when absent. */
  readonly caKeyAlgorithm?: CaKeyAlgorithm
}

/** Names of the CA certificates, as served at /ca/<name>.crt and /crl/<name>.crl. */
export const ROOT_NAME = 'root'
export const ISSUING_NAME = 'issuing'
export const OCSP_NAME = 'ocsp'
/**
 * The timestamp authority (server/tsa): added to a hierarchy by addDelegate — in `qoltanba ca init`
 * or, for a hierarchy made without it, at the first /tsp request — not by initCertificateAuthority.
 */
export const TSA_NAME = 'tsa'
/** Certificates the issuing CA makes for the CA's own services, each with its own key. */
export type DelegateRole = typeof OCSP_NAME | typeof TSA_NAME
type Role = typeof ROOT_NAME | typeof ISSUING_NAME | DelegateRole
const ROLES: readonly Role[] = [ROOT_NAME, ISSUING_NAME, OCSP_NAME]

/** DATA_DIR/ca/manifest.json. */
export interface CaManifest {
  readonly version: 1
  /** True for the hierarchy made automatically on first start: not for production. */
  readonly development: boolean
  readonly keyAlgorithm: CaKeyAlgorithm
  readonly keyStore: 'file' | 'pkcs11'
  readonly createdAt: string
  /** PKCS#11 key labels per role (keyStore 'pkcs11'); 'tsa' once the TSA key was made. */
  readonly labels?: Readonly<Partial<Record<Role, string>>>
}

/** One certificate of the hierarchy with its signer. */
export interface CaMember extends CertificateParts {
  readonly name: Role
  readonly der: Buffer
  /** SubjectKeyIdentifier (SHA-1 of the public key bits). */
  readonly keyId: Buffer
  readonly signer: CaSigner
}

/** A loaded hierarchy. */
export interface CaHierarchy {
  readonly manifest: CaManifest
  readonly root: Omit<CaMember, 'signer'>
  readonly issuing: CaMember
  /** Replaced in place when the responder certificate is renewed (same key and signer). */
  ocsp: CaMember
  /** Closes token sessions. */
  close(): void
}

export function caDir(config: Pick<ServerConfig, 'dataDir'>): string {
  return join(config.dataDir, 'ca')
}

const PASSPHRASE_FILE = 'passphrase'

/**
 * The passphrase of the key files: CA_KEY_PASSPHRASE(_FILE) from the configuration, or for a
 * development hierarchy a random one kept in DATA_DIR/ca/passphrase (mode 0600).
 */
function passphraseFor(config: CaConfig, create: boolean): string {
  if (config.caKeyPassphrase) return config.caKeyPassphrase
  const file = join(caDir(config), PASSPHRASE_FILE)
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  if (!create) throw new Error(`CA key passphrase missing: set CA_KEY_PASSPHRASE or CA_KEY_PASSPHRASE_FILE (no ${file} either)`)
  const pass = randomBytes(24).toString('base64url')
  writeFileSync(file, `${pass}\n`, { mode: 0o600 })
  chmodSync(file, 0o600)
  return pass
}

/** Replaces DATA_DIR/ca/<name> atomically (public files: certificates, the root CRL). */
export function writeCaFile(config: Pick<ServerConfig, 'dataDir'>, name: string, data: string | Buffer): void {
  writeAtomic(join(caDir(config), name), data)
}

function writeAtomic(path: string, data: string | Buffer, mode = 0o644): void {
  const tmp = `${path}.tmp-${process.pid}`
  writeFileSync(tmp, data, { mode })
  renameSync(tmp, path)
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
}

function nameDer(cn: string): Buffer {
  return Buffer.from(buildName({ commonName: cn, organization: 'Qoltanba', country: 'KZ' }).toSchema().toBER(false))
}

function randomSerial(): Buffer {
  const s = randomBytes(16)
  s[0] = ((s[0] as number) & 0x7f) | 0x40
  return s
}

function addYears(d: Date, years: number): Date {
  const r = new Date(d)
  r.setUTCFullYear(r.getUTCFullYear() + years)
  return r
}

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
 * DATA_DIR/ca/<role>.pem atomically; the previous certificate stays beside it as
 * <role>-<serial>.pem. Works for file and PKCS#11 keys alike: only the issuing CA signs. Returns
 * the new member; the caller swaps it in where the old one served.
 */
export function renewDelegate(config: Pick<ServerConfig, 'dataDir' | 'publicUrl'>, issuing: CaMember, old: CaMember, now: Date): CaMember {
  const role = old.name as DelegateRole
  if (issuing.notAfter <= now) throw new Error(`the issuing CA expired on ${issuing.notAfter.toISOString()}: it cannot certify the ${role} key`)
  const der = certifyDelegate(role, issuing, old, new Date(Math.floor(now.getTime() / 1000) * 1000), config.publicUrl)
  const dir = caDir(config)
  writeAtomic(join(dir, `${role}-${old.serial.toString('hex')}.pem`), toPem(old.der, 'CERTIFICATE'))
  writeAtomic(join(dir, `${role}.pem`), toPem(der, 'CERTIFICATE'))
  return { ...certificateParts(der), name: role, der, keyId: old.keyId, signer: old.signer }
}

/** renewDelegate for the OCSP responder. */
export function renewOcspResponder(config: Pick<ServerConfig, 'dataDir'> & Partial<Pick<ServerConfig, 'publicUrl'>>, hierarchy: CaHierarchy, now: Date): CaMember {
  return renewDelegate({ publicUrl: '', ...config }, hierarchy.issuing, hierarchy.ocsp, now)
}

/** Options of initCertificateAuthority. */
export interface InitOptions {
  /** Marks the hierarchy as a development one (said loudly at every start). */
  readonly development?: boolean
  readonly keyAlgorithm?: CaKeyAlgorithm
  /** PBKDF2 iterations of the key files (tests lower it; default 600,000). */
  readonly keyIterations?: number
  /** Log line sink (defaults to console.info). */
  readonly log?: (line: string) => void
}

/** True when DATA_DIR already holds a hierarchy. */
export function hierarchyExists(config: Pick<ServerConfig, 'dataDir'>): boolean {
  return existsSync(join(caDir(config), 'manifest.json'))
}

/**
 * Creates the root CA, the issuing CA and the OCSP responder certificate in DATA_DIR/ca (keys in
 * the PKCS#11 token when configured). Refuses to overwrite an existing hierarchy.
 */
export function initCertificateAuthority(config: CaConfig, options: InitOptions = {}): CaManifest {
  const dir = caDir(config)
  if (hierarchyExists(config)) throw new Error(`a CA hierarchy already exists in ${dir}`)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const keyAlgorithm = options.keyAlgorithm ?? config.caKeyAlgorithm ?? 'RSA-3072'
  const development = options.development ?? false
  const tag = keyAlgorithm === 'P-256' ? 'EC' : 'RSA'
  const dev = development ? ' DEV' : ''
  const keyStore = config.pkcs11 ? 'pkcs11' : 'file'
  const labels = Object.fromEntries(ROLES.map((r) => [r, `qoltanba-${r}-${randomBytes(4).toString('hex')}`])) as Record<Role, string>

  const signers: Partial<Record<Role, CaSigner>> = {}
  try {
    const pass = keyStore === 'file' ? passphraseFor(config, development) : ''
    for (const role of ROLES) signers[role] = createKey(config, role, labels[role], keyAlgorithm, pass, options.keyIterations)
    const now = new Date(Math.floor(Date.now() / 1000) * 1000)
    const [rootS, issS, ocspS] = [signers.root, signers.issuing, signers.ocsp] as CaSigner[]
    const rootName = nameDer(`QOLTANBA${dev} ROOT CA (${tag})`)
    const rootId = keyIdentifier(rootS!.spki)
    const rootDer = signCertificate({
      serial: randomSerial(), issuer: rootName, subject: rootName, notBefore: now, notAfter: addYears(now, 20), spki: rootS!.spki,
      extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(rootId)],
    }, rootS!)
    const issName = nameDer(`QOLTANBA${dev} ISSUING CA (${tag})`)
    const issId = keyIdentifier(issS!.spki)
    const issNotAfter = addYears(now, 10)
    const issDer = signCertificate({
      serial: randomSerial(), issuer: rootName, subject: issName, notBefore: now, notAfter: issNotAfter, spki: issS!.spki,
      extensions: [
        basicConstraints(true, 0), keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign']), subjectKeyIdentifier(issId), authorityKeyIdentifier(rootId),
        authorityInfoAccess({ caIssuers: `${config.publicUrl}/ca/${ROOT_NAME}.crt` }),
        crlDistributionPoints(`${config.publicUrl}/crl/${ROOT_NAME}.crl`),
      ],
    }, rootS!)
    const ocspDer = certifyDelegate(
      OCSP_NAME,
      { subject: issName, spki: issS!.spki, signer: issS!, notAfter: issNotAfter },
      { subject: nameDer(`QOLTANBA${dev} OCSP RESPONDER`), spki: ocspS!.spki },
      now,
    )
    writeAtomic(join(dir, `${ROOT_NAME}.pem`), toPem(rootDer, 'CERTIFICATE'))
    writeAtomic(join(dir, `${ISSUING_NAME}.pem`), toPem(issDer, 'CERTIFICATE'))
    writeAtomic(join(dir, `${OCSP_NAME}.pem`), toPem(ocspDer, 'CERTIFICATE'))
    const manifest: CaManifest = {
      version: 1, development, keyAlgorithm, keyStore, createdAt: now.toISOString(), ...(keyStore === 'pkcs11' ? { labels } : {}),
    }
    // The manifest goes last: its presence means the hierarchy is complete.
    writeAtomic(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    const log = options.log ?? console.info
    log(`CA hierarchy created in ${dir} (${keyAlgorithm}, keys ${keyStore === 'pkcs11' ? 'in the PKCS#11 token' : 'in encrypted PKCS#8 files'})`)
    return manifest
  } finally {
    for (const s of Object.values(signers)) s?.close()
  }
}

/**
 * Makes the key of `role`: on the PKCS#11 token under `label`, or as DATA_DIR/ca/<role>.key
 * encrypted with `pass`.
 */
function createKey(config: CaConfig, role: Role, label: string, keyAlgorithm: CaKeyAlgorithm, pass: string, iterations?: number): CaSigner {
  if (config.pkcs11) {
    generateTokenKey(config.pkcs11, label, keyAlgorithm)
    return pkcs11Signer(config.pkcs11, label)
  }
  const { privateKey } = keyAlgorithm === 'P-256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 3072 })
  writeAtomic(join(caDir(config), `${role}.key`), encryptKeyToPem(privateKey, pass, iterations ?? DEFAULT_KEY_ITERATIONS), 0o600)
  return softwareSigner(privateKey)
}

/**
 * Adds a delegated key and certificate to an existing hierarchy (the TSA, which hierarchies made
 * before it lack): the key where the hierarchy keeps its keys, with the hierarchy's algorithm, a
 * PKCS#11 label recorded in manifest.json first (a crash before the certificate leaves only an
 * unused token object), then DATA_DIR/ca/<role>.pem. Returns the member; the caller owns its signer.
 */
export function addDelegate(
  config: CaConfig,
  hierarchy: Pick<CaHierarchy, 'manifest' | 'issuing'>,
  role: DelegateRole,
  commonName: string,
  options: Pick<InitOptions, 'keyIterations'> & { readonly now?: Date } = {},
): CaMember {
  const { manifest } = hierarchy
  const label = `qoltanba-${role}-${randomBytes(4).toString('hex')}`
  if (manifest.keyStore === 'pkcs11') {
    if (!config.pkcs11) throw new Error('the CA keys are in a PKCS#11 token: set PKCS11_MODULE, PKCS11_PIN and PKCS11_TOKEN_LABEL/PKCS11_SLOT')
    const next: CaManifest = { ...manifest, labels: { ...manifest.labels, [role]: label } }
    writeAtomic(join(caDir(config), 'manifest.json'), `${JSON.stringify(next, null, 2)}\n`)
  }
  const signer = createKey(
    manifest.keyStore === 'pkcs11' ? config : { ...config, pkcs11: undefined },
    role, label, manifest.keyAlgorithm, manifest.keyStore === 'file' ? passphraseFor(config, false) : '', options.keyIterations,
  )
  try {
    const now = new Date(Math.floor((options.now ?? new Date()).getTime() / 1000) * 1000)
    const dev = manifest.development ? ' DEV' : ''
    const der = certifyDelegate(role, hierarchy.issuing, { subject: nameDer(`QOLTANBA${dev} ${commonName}`), spki: signer.spki }, now, config.publicUrl)
    writeAtomic(join(caDir(config), `${role}.pem`), toPem(der, 'CERTIFICATE'))
    const parts = certificateParts(der)
    return { ...parts, name: role, der, keyId: keyIdentifier(parts.spki), signer }
  } catch (e) {
    signer.close()
    throw e
  }
}

/**
 * Opens a delegated member added by addDelegate (undefined when DATA_DIR/ca/<role>.pem does not
 * exist yet). Checks the key matches the certificate.
 */
export function loadDelegate(config: CaConfig, manifest: CaManifest, role: DelegateRole): CaMember | undefined {
  const file = join(caDir(config), `${role}.pem`)
  if (!existsSync(file)) return undefined
  const der = pemToDer(readFileSync(file, 'utf8'))
  const parts = certificateParts(der)
  const signer = openSigner(config, manifest, role)
  if (!createPublicKey({ key: parts.spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' }).equals(signer.spki)) {
    signer.close()
    throw new Error(`the ${role} key does not match ${role}.pem`)
  }
  return { ...parts, name: role, der, keyId: keyIdentifier(parts.spki), signer }
}

/** Opens the signing key of `role`: in the PKCS#11 token, or the encrypted PKCS#8 file. */
function openSigner(config: CaConfig, manifest: CaManifest, role: Role): CaSigner {
  if (manifest.keyStore === 'pkcs11') {
    if (!config.pkcs11) throw new Error('the CA keys are in a PKCS#11 token: set PKCS11_MODULE, PKCS11_PIN and PKCS11_TOKEN_LABEL/PKCS11_SLOT')
    const label = manifest.labels?.[role]
    if (!label) throw new Error(`manifest.json has no PKCS#11 label for ${role}`)
    return pkcs11Signer(config.pkcs11 as Pkcs11Config, label)
  }
  const pem = readFileSync(join(caDir(config), `${role}.key`), 'utf8')
  try {
    return softwareSigner(decryptKeyPem(pem, passphraseFor(config, false)))
  } catch (e) {
    throw new Error(`cannot decrypt the ${role} CA key (wrong CA_KEY_PASSPHRASE?)`, { cause: e })
  }
}

/**
 * Opens the root CA's key for a moment (the root CRL): the caller closes it at once. The root key
 * is not kept open in a running server.
 */
export function openRootSigner(config: CaConfig, hierarchy: Pick<CaHierarchy, 'manifest'>): CaSigner {
  return openSigner(config, hierarchy.manifest, ROOT_NAME)
}

/** DATA_DIR/ca/manifest.json as it is on disk now. */
export function readManifest(config: Pick<ServerConfig, 'dataDir'>): CaManifest {
  return JSON.parse(readFileSync(join(caDir(config), 'manifest.json'), 'utf8')) as CaManifest
}

/** Loads the hierarchy from DATA_DIR/ca and opens its signing keys (issuing CA and OCSP responder). */
export function loadHierarchy(config: CaConfig): CaHierarchy {
  const dir = caDir(config)
  const manifest = readManifest(config)
  const certOf = (role: Role): Buffer => pemToDer(readFileSync(join(dir, `${role}.pem`), 'utf8'))
  const signerOf = (role: Role): CaSigner => openSigner(config, manifest, role)
  const member = (role: Role, signer: CaSigner): CaMember => {
    const der = certOf(role)
    const parts = certificateParts(der)
    const certSpki = createPublicKey({ key: parts.spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' })
    if (!certSpki.equals(signer.spki)) throw new Error(`the ${role} key does not match ${role}.pem`)
    return { ...parts, name: role, der, keyId: keyIdentifier(parts.spki), signer }
  }
  const rootDer = certOf(ROOT_NAME)
  const rootParts = certificateParts(rootDer)
  const root = { ...rootParts, name: ROOT_NAME, der: rootDer, keyId: keyIdentifier(rootParts.spki) } as const
  const issuing = member(ISSUING_NAME, signerOf(ISSUING_NAME))
  let ocsp: CaMember
  try {
    ocsp = member(OCSP_NAME, signerOf(OCSP_NAME))
  } catch (e) {
    issuing.signer.close()
    throw e
  }
  return {
    manifest,
    root,
    issuing,
    ocsp,
    close() {
      issuing.signer.close()
      ocsp.signer.close() // renewals keep this signer
    },
  }
}
