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
  /** NCA's GOST keys (issue 23), held by src/pki/gost rather than WebCrypto (gost-keys.ts). */
  | { readonly name: 'GOST'; readonly standard: 'GOST 34.310-2004' | 'GOST 34.10-2015 (512)' }

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

/** AES-256-GCM ciphertext (with its tag) and nonce. */
export interface SealedBytes {
  readonly iv: Uint8Array
  readonly ciphertext: Uint8Array
}

/**
 * What passkey unlock needs of a container, present once it has a passkey (README.md, "Passkey
 * unlock"): the container key wrapped by the password, and every private key sealed under it.
 */
export interface PasskeyVaultRecord {
  readonly containerId: string
  /** Input of the WebAuthn PRF evaluation (the same for every passkey of the container). */
  readonly prfSalt: Uint8Array
  /** HKDF salt of the key-encryption keys derived from PRF outputs. */
  readonly hkdfSalt: Uint8Array
  /** The container key under PBKDF2(password): lets the password add a passkey or key. */
  readonly passwordSalt: Uint8Array
  readonly passwordIterations: number
  readonly passwordWrap: SealedBytes
  /** keyId → PKCS#8 sealed under the container key (AES-GCM, bound to container and key id). */
  readonly keys: Readonly<Record<string, SealedBytes>>
}

/** One passkey of a container: the container key wrapped by the key its PRF output derives. */
export interface PasskeyRecord {
  /** `${containerId}:${base64url(credentialId)}`. */
  readonly id: string
  readonly containerId: string
  readonly credentialId: Uint8Array
  readonly label: string
  readonly createdAt: number
  /** AES-GCM(HKDF(PRF), container key), associated data credentialId ‖ containerId. */
  readonly wrap: SealedBytes
}

/** The IndexedDB schema (current version; older versions are upgraded by migrations.ts). */
export interface KeystoreSchema extends DBSchema {
  containers: { key: string; value: ContainerRecord }
  keys: { key: string; value: KeyRecord; indexes: { byContainer: string } }
  certificates: { key: string; value: CertificateRecord; indexes: { byContainer: string } }
  attempts: { key: string; value: AttemptRecord }
  passkeyVaults: { key: string; value: PasskeyVaultRecord }
  passkeys: { key: string; value: PasskeyRecord; indexes: { byContainer: string } }
}

/** Store names, for transactions that span them. */
export type KeystoreStore = 'containers' | 'keys' | 'certificates' | 'attempts' | 'passkeyVaults' | 'passkeys'
