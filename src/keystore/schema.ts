/**
 * What the keystore keeps in IndexedDB. Private keys appear here only as PKCS#8
 * EncryptedPrivateKeyInfo (PBES2), never as plain bytes or CryptoKeys: a stolen profile then
 * holds nothing a password does not protect, and the bytes are the ones `openssl pkey` reads.
 */
import type { DBSchema } from 'idb'

/** Key algorithms the keystore can hold and use with WebCrypto. */
export type KeyAlgorithm =
  | { readonly name: 'RSA'; readonly bits: number }
  | { readonly name: 'EC'; readonly curve: 'P-256' | 'P-384' | 'P-521' }

/** What a certificate is for, read from its key usage, EKU and NCA policy OIDs. */
export type CertificatePurpose = 'auth' | 'sign'

/** A container: a named set of key pairs protected by one password. */
export interface ContainerRecord {
  readonly id: string
  name: string
  readonly createdAt: number
  updatedAt: number
  /** How the keys got here: generated in this browser, or imported from a PKCS#12 file. */
  readonly source: 'generated' | 'imported'
}

/** One key pair of a container. */
export interface KeyRecord {
  readonly id: string
  readonly containerId: string
  readonly algorithm: KeyAlgorithm
  /** SubjectPublicKeyInfo DER: matches certificates without unlocking. */
  readonly spki: Uint8Array
  /** PKCS#8 EncryptedPrivateKeyInfo DER (PBES2 PBKDF2-HMAC-SHA256 + AES-256-CBC). */
  encryptedPkcs8: Uint8Array
  readonly createdAt: number
  readonly friendlyName?: string
}

/**
 * Readable facts about a certificate, computed once when it is stored so that listing
 * containers needs neither pkijs nor a password.
 */
export interface CertificateSummary {
  readonly subjectName: string
  readonly commonName?: string
  readonly iin?: string
  readonly bin?: string
  readonly organization?: string
  readonly issuerName: string
  readonly serialNumber: string
  readonly notBefore: number
  readonly notAfter: number
  readonly purposes: readonly CertificatePurpose[]
  readonly keyAlgorithm: string
  readonly fingerprintSha256: string
}

/** A certificate in a container: its own (keyId set) or a CA certificate of the chain. */
export interface CertificateRecord {
  /** `${containerId}:${fingerprint}`: the same certificate is stored once per container. */
  readonly id: string
  readonly containerId: string
  keyId?: string
  readonly der: Uint8Array
  readonly summary: CertificateSummary
  /** Set when the Registration Center reports the certificate revoked. */
  revokedAt?: number
  readonly addedAt: number
}

/** Wrong-password history of a container; kept in the database so a reload does not reset it. */
export interface AttemptRecord {
  readonly containerId: string
  readonly failures: number
  readonly lastFailureAt: number
}

/** The IndexedDB schema (current version; older versions are upgraded by migrations.ts). */
export interface KeystoreSchema extends DBSchema {
  containers: { key: string; value: ContainerRecord }
  keys: { key: string; value: KeyRecord; indexes: { byContainer: string } }
  certificates: { key: string; value: CertificateRecord; indexes: { byContainer: string } }
  attempts: { key: string; value: AttemptRecord }
}

/** Store names, for transactions that span them. */
export type KeystoreStore = 'containers' | 'keys' | 'certificates' | 'attempts'
