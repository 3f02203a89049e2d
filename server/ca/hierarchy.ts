/**
 * The CA hierarchy: a root CA, an issuing CA and delegated certificates (OCSP responder, TSA:
 * delegates.ts), each a certificate (PEM) plus a key — an encrypted PKCS#8 blob or a key pair
 * inside the configured PKCS#11 token — described by manifest.json. Where these files live is the
 * CA store (ca-store.ts): DATA_DIR/ca in the embedded mode, the database with DATABASE_URL set.
 * Created by hierarchy-init.ts; loaded once at start (loadHierarchy), asynchronously.
 *
 * Key algorithm: RSA-3072 by default (CA_KEY_ALGORITHM=P-256 switches to ECDSA). Why RSA: it is
 * what NCA RK's RSA CA and every relying party in Kazakhstan handles (GOST aside), and ≥3072 bits
 * keeps it sound past 2030 (NIST SP 800-57). Its cost is signing speed (~1k/s vs ~38k/s for
 * P-256 on this hardware), and we take it off the hot paths instead of choosing the curve for
 * speed: OCSP responses are pre-signed and cached (only nonce requests sign), a CRL is one
 * signature however long it is, and issuance is bounded by the database, not by the signature.
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Pkcs11Config, ServerConfig } from '../config.ts'
import { buildName } from '../../src/pki/names.ts'
import { toPem } from '../../src/pki/pem.ts'
import type { CaFile, CaStore } from './ca-store.ts'
import { decryptKeyPem, encryptKeyToPem, DEFAULT_KEY_ITERATIONS } from './key-file.ts'
import { generateTokenKey, pkcs11Signer } from './pkcs11-signer.ts'
import { softwareSigner, type CaKeyAlgorithm, type CaSigner } from './signer.ts'
import { certificateParts, keyIdentifier, type CertificateParts } from './x509-build.ts'

export { caDir, writeCaFile } from './ca-store-files.ts'

/** The CA settings this module needs from ServerConfig. */
export type CaConfig = Pick<ServerConfig, 'dataDir' | 'publicUrl' | 'caKeyPassphrase' | 'pkcs11'> & {
  /** CA_KEY_ALGORITHM; RSA-3072 when absent. */
  readonly caKeyAlgorithm?: CaKeyAlgorithm
  /** DATABASE_URL: when set, the hierarchy lives in the database (ca-store.ts), not in DATA_DIR/ca. */
  readonly databaseUrl?: string | undefined
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
export type Role = typeof ROOT_NAME | typeof ISSUING_NAME | DelegateRole
export const ROLES: readonly Role[] = [ROOT_NAME, ISSUING_NAME, OCSP_NAME]
export const MANIFEST = 'manifest.json'

/** manifest.json. */
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
  /** Where its files are: renewals and the root CRL are written there. */
  readonly store: CaStore
  readonly root: Omit<CaMember, 'signer'>
  readonly issuing: CaMember
  /** Replaced in place when the responder certificate is renewed (same key and signer). */
  ocsp: CaMember
  /** Closes token sessions. */
  close(): void
}

/** DATA_DIR/ca/passphrase: the random passphrase of a development hierarchy in DATA_DIR. */
export const PASSPHRASE_FILE = 'passphrase'

/**
 * The passphrase of the key files: CA_KEY_PASSPHRASE(_FILE) from the configuration, or for a
 * development hierarchy in DATA_DIR a random one kept in DATA_DIR/ca/passphrase (mode 0600). A
 * hierarchy in the database never uses that file: the passphrase is each instance's secret.
 */
export function passphraseFor(config: Pick<CaConfig, 'caKeyPassphrase'>, store: CaStore, create: boolean): string {
  if (config.caKeyPassphrase) return config.caKeyPassphrase
  if (!store.dir) throw new Error('CA key passphrase missing: the CA keys are in the database (DATABASE_URL): set CA_KEY_PASSPHRASE or CA_KEY_PASSPHRASE_FILE')
  const file = join(store.dir, PASSPHRASE_FILE)
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  if (!create) throw new Error(`CA key passphrase missing: set CA_KEY_PASSPHRASE or CA_KEY_PASSPHRASE_FILE (no ${file} either)`)
  mkdirSync(store.dir, { recursive: true, mode: 0o700 })
  const pass = randomBytes(24).toString('base64url')
  writeFileSync(file, `${pass}\n`, { mode: 0o600 })
  chmodSync(file, 0o600)
  return pass
}

export function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
}

export function nameDer(cn: string): Buffer {
  return Buffer.from(buildName({ commonName: cn, organization: 'Qoltanba', country: 'KZ' }).toSchema().toBER(false))
}

export function randomSerial(): Buffer {
  const s = randomBytes(16)
  s[0] = ((s[0] as number) & 0x7f) | 0x40
  return s
}

export function addYears(d: Date, years: number): Date {
  const r = new Date(d)
  r.setUTCFullYear(r.getUTCFullYear() + years)
  return r
}

export const certificateFile = (role: Role, der: Buffer): CaFile => ({ name: `${role}.pem`, data: toPem(der, 'CERTIFICATE') })
export const manifestFile = (manifest: CaManifest): CaFile => ({ name: MANIFEST, data: `${JSON.stringify(manifest, null, 2)}\n` })

/** A new key: its signer, and for a software key the encrypted PKCS#8 file still to be stored. */
export interface NewKey {
  readonly signer: CaSigner
  readonly file?: CaFile
}

/**
 * Makes the key of `role`: on the PKCS#11 token under `label`, or as <role>.key encrypted with
 * `pass` (returned, for the caller to store with the certificates).
 */
export function createKey(config: Pick<CaConfig, 'pkcs11'>, role: Role, label: string, keyAlgorithm: CaKeyAlgorithm, pass: string, iterations?: number): NewKey {
  if (config.pkcs11) {
    generateTokenKey(config.pkcs11, label, keyAlgorithm)
    return { signer: pkcs11Signer(config.pkcs11, label) }
  }
  const { privateKey } = keyAlgorithm === 'P-256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 3072 })
  return {
    signer: softwareSigner(privateKey),
    file: { name: `${role}.key`, data: encryptKeyToPem(privateKey, pass, iterations ?? DEFAULT_KEY_ITERATIONS), secret: true },
  }
}

export const PKCS11_MISSING = 'the CA keys are in a PKCS#11 token: set PKCS11_MODULE, PKCS11_PIN and PKCS11_TOKEN_LABEL/PKCS11_SLOT'

/** Opens the signing key of `role`: in the PKCS#11 token, or the encrypted PKCS#8 blob of the store. */
export async function openSigner(config: CaConfig, store: CaStore, manifest: CaManifest, role: Role): Promise<CaSigner> {
  if (manifest.keyStore === 'pkcs11') {
    if (!config.pkcs11) throw new Error(PKCS11_MISSING)
    const label = manifest.labels?.[role]
    if (!label) throw new Error(`manifest.json has no PKCS#11 label for ${role}`)
    return pkcs11Signer(config.pkcs11 as Pkcs11Config, label)
  }
  const pem = await store.read(`${role}.key`)
  if (!pem) throw new Error(`the ${role} CA key is missing from ${store.where}`)
  const pass = passphraseFor(config, store, false)
  try {
    return softwareSigner(decryptKeyPem(pem.toString('utf8'), pass))
  } catch (e) {
    throw new Error(`cannot decrypt the ${role} CA key (wrong CA_KEY_PASSPHRASE?)`, { cause: e })
  }
}

/**
 * Opens the root CA's key for a moment (the root CRL): the caller closes it at once. The root key
 * is not kept open in a running server.
 */
export function openRootSigner(config: CaConfig, hierarchy: Pick<CaHierarchy, 'manifest' | 'store'>): Promise<CaSigner> {
  return openSigner(config, hierarchy.store, hierarchy.manifest, ROOT_NAME)
}

/** manifest.json as it is in the store now. */
export async function readManifest(store: CaStore): Promise<CaManifest> {
  const text = await store.read(MANIFEST)
  if (!text) throw new Error(`no CA hierarchy in ${store.where}`)
  return JSON.parse(text.toString('utf8')) as CaManifest
}

/** True when the store holds a hierarchy (its manifest: written last, or in one transaction). */
export async function hierarchyExists(store: CaStore): Promise<boolean> {
  return (await store.read(MANIFEST)) !== undefined
}

/** The certificate <role>.pem of the store (undefined when absent). */
export async function readCertificate(store: CaStore, role: Role): Promise<Buffer | undefined> {
  const pem = await store.read(`${role}.pem`)
  return pem && pemToDer(pem.toString('utf8'))
}

/** A member from its certificate and signer; throws (closing the signer) when the keys differ. */
export function memberOf(role: Role, der: Buffer, signer: CaSigner): CaMember {
  const parts = certificateParts(der)
  const certSpki = createPublicKey({ key: parts.spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' })
  if (!certSpki.equals(signer.spki)) {
    signer.close()
    throw new Error(`the ${role} key does not match ${role}.pem`)
  }
  return { ...parts, name: role, der, keyId: keyIdentifier(parts.spki), signer }
}

/** Loads the hierarchy from `store` and opens its signing keys (issuing CA and OCSP responder). */
export async function loadHierarchy(config: CaConfig, store: CaStore): Promise<CaHierarchy> {
  const manifest = await readManifest(store)
  const certOf = async (role: Role): Promise<Buffer> => {
    const der = await readCertificate(store, role)
    if (!der) throw new Error(`${role}.pem is missing from ${store.where}`)
    return der
  }
  const [rootDer, issDer, ocspDer] = await Promise.all([certOf(ROOT_NAME), certOf(ISSUING_NAME), certOf(OCSP_NAME)])
  const rootParts = certificateParts(rootDer)
  const root = { ...rootParts, name: ROOT_NAME, der: rootDer, keyId: keyIdentifier(rootParts.spki) } as const
  const issuing = memberOf(ISSUING_NAME, issDer, await openSigner(config, store, manifest, ISSUING_NAME))
  let ocsp: CaMember
  try {
    ocsp = memberOf(OCSP_NAME, ocspDer, await openSigner(config, store, manifest, OCSP_NAME))
  } catch (e) {
    issuing.signer.close()
    throw e
  }
  return {
    manifest,
    store,
    root,
    issuing,
    ocsp,
    close() {
      issuing.signer.close()
      ocsp.signer.close() // renewals keep this signer
    },
  }
}
