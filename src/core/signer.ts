/**
 * The one interface every place that holds private keys implements: the browser keystore
 * (src/keystore), NCALayer and our own local agent. Views choose a signer by its capabilities,
 * never by its `kind`.
 *
 * Conventions shared by all implementations:
 * - Binary values are `Uint8Array` DER (certificates, CSRs, CMS); no PEM or base64 crosses this
 *   boundary.
 * - Failures are `QoltanbaError`s with a stable `code` (src/core/errors.ts). A user who cancels
 *   in an agent's own dialog gives `ERR_USER_CANCELLED`: a normal outcome, never an error toast.
 *   An `AbortSignal` that fires also gives `ERR_USER_CANCELLED` (with `details.aborted = true`).
 * - Secrets (PIN, container password) are passed per call in `secret` when `secretEntry` is
 *   `'page'`, used for that one operation and never kept, logged or put in errors.
 */

/** What a signer can do. A view offers an action only when the signer has its capability. */
export type SignerCapability =
  /** `listStorages()` and `listCertificates()` return the keys/certificates it holds. */
  | 'listCertificates'
  /** `signCms()` with `detached: false` and `detached: true`. */
  | 'signCms'
  /** `signCms()` with `messageDigest` instead of the data (a large document hashed in a stream). */
  | 'signDigest'
  /** `signCms()` with `countersign`: a countersignature (RFC 5652 §11.4) added to an existing CMS. */
  | 'countersign'
  /** `generateKeyAndCsr()`: a new key pair in the signer's storage and a PKCS#10 signed by it. */
  | 'generateKeyAndCsr'
  /** `importCertificate()`: store an issued certificate next to its private key. */
  | 'importCertificate'
  /** `deleteCertificate()`. */
  | 'deleteCertificate'

/** Which implementation this is; for display and diagnostics only, never for branching in views. */
export type SignerKind = 'keystore' | 'ncalayer' | 'qoltanba-agent'

/** Key algorithms a signer may generate. */
export type KeyAlgorithmName = 'RSA-2048' | 'P-256'

/**
 * Subject of a CSR, in NCA's attribute use. The one definition: pki names it `SubjectFields`
 * (src/pki/names.ts) and the agent protocol `WireSubject` (agent-protocol.ts).
 */
export interface CsrSubject {
  /** "SURNAME NAME", e.g. "ҚҰНАНБАЙ АБАЙ". */
  readonly commonName?: string
  readonly surname?: string
  /** NCA puts the patronymic here (GIVENNAME), not the first name. */
  readonly givenName?: string
  /** "IIN" + 12 digits (PrintableString). */
  readonly serialNumber?: string
  /** Two-letter country code, "KZ". */
  readonly country?: string
  /** Legal entity name. */
  readonly organization?: string
  /** "BIN" + 12 digits for legal entities. */
  readonly organizationalUnit?: string
  /** emailAddress in the DN (current NCA profiles put e-mail in subjectAltName instead). */
  readonly email?: string
}

/** A place where keys live: a browser container, a token in a slot, a PKCS#12 file. */
export interface SignerStorage {
  /** Opaque id, stable while the storage is present (e.g. token serial number). */
  readonly id: string
  /** What the user recognises: token label, container name, file name. */
  readonly label: string
  readonly type: 'browser' | 'token' | 'pkcs12'
  /** Token model/manufacturer when known (e.g. "SoftHSM v2", "Kaztoken"). */
  readonly model?: string
  /** True when the signer needs a secret to use it (`secret` in the calls below). */
  readonly secretRequired: boolean
}

/** A certificate a signer holds, together with the key it belongs to when known. */
export interface SignerCertificate {
  /** Opaque id within the signer; pass it back as `certificateId`. */
  readonly id: string
  readonly storageId: string
  /** X.509 DER. */
  readonly der: Uint8Array
  /** Id of the private key this certificate belongs to (absent when the key is not there). */
  readonly keyId?: string
  readonly label?: string
}

/** A private key a signer holds (listed so a view can install certificates onto it). */
export interface SignerKey {
  readonly id: string
  readonly storageId: string
  readonly algorithm: KeyAlgorithmName | 'RSA' | 'EC' | 'GOST' | 'unknown'
  /** SubjectPublicKeyInfo DER; matches a certificate by public key. */
  readonly publicKey?: Uint8Array
  readonly label?: string
}

/** Common per-call options. */
export interface SignerCallOptions {
  /** Storage to use; signers with a single storage (or their own picker) ignore it. */
  readonly storageId?: string
  /**
   * PIN or password, for signers whose `secretEntry` is `'page'`. Used once, never kept. Listing
   * calls use it only together with `storageId` (one PIN is never tried on several storages).
   */
  readonly secret?: string
  /** Aborting closes the wait (and for agents, the socket) and rejects with ERR_USER_CANCELLED. */
  readonly signal?: AbortSignal
  /** Language of the agent's own dialogs. */
  readonly locale?: 'kk' | 'ru' | 'en'
}

/** Restricts which certificate may sign (NCALayer `signerParams`). */
export interface SignerFilter {
  /** EKU or policy OIDs; any one must be present (empty: any key). */
  readonly extKeyUsageOids?: readonly string[]
  /** 12 digits, without the "IIN" prefix. */
  readonly iin?: string
  /** 12 digits, without the "BIN" prefix. */
  readonly bin?: string
  /** Certificate serial number, hex. */
  readonly serialNumber?: string
}

/** What to sign and how. */
export interface SignCmsRequest extends SignerCallOptions {
  readonly data: Uint8Array
  /** Detached: the content is not encapsulated (default false: attached). */
  readonly detached?: boolean
  /**
   * The certificate to sign with (from `listCertificates`). Signers with their own picker
   * (NCALayer) ignore it and use `filter` instead.
   */
  readonly certificateId?: string
  readonly filter?: SignerFilter
  readonly hash?: 'SHA-256' | 'SHA-384'
  /**
   * The document's digest under `hash` (SHA-256 by default), for a detached signature of a file
   * too large to pass as `data` (which is then ignored). Only signers with the `signDigest`
   * capability accept it.
   */
  readonly messageDigest?: Uint8Array
  /**
   * Countersign instead of signing `data` (ignored then): the signer signs the signature value of
   * SignerInfo `signerIndex` of `cms` and returns that whole CMS with the countersignature added.
   * Only signers with the `countersign` capability accept it.
   */
  readonly countersign?: { readonly cms: Uint8Array; readonly signerIndex: number }
}

/** A CMS SignedData produced by a signer. */
export interface SignCmsResult {
  /** ContentInfo(SignedData) DER. */
  readonly cms: Uint8Array
  /** The signer certificate when the signer reports it. */
  readonly certificate?: Uint8Array
}

/** Key generation and CSR in one step, so the private key never leaves the signer. */
export interface GenerateKeyAndCsrRequest extends SignerCallOptions {
  readonly algorithm: KeyAlgorithmName
  readonly subject: CsrSubject
  /** KeyUsage names, e.g. ['digitalSignature', 'nonRepudiation']. */
  readonly keyUsage?: readonly string[]
  /** EKU OIDs. */
  readonly extKeyUsage?: readonly string[]
  readonly email?: string
  /** Label stored with the key (token CKA_LABEL, container entry name). */
  readonly label?: string
}

/** The result of `generateKeyAndCsr`. */
export interface GeneratedKeyAndCsr {
  /** Id of the new key; `importCertificate` takes it back. */
  readonly keyId: string
  readonly storageId: string
  /** PKCS#10 DER, signed by the new key. */
  readonly csr: Uint8Array
  /** SubjectPublicKeyInfo DER of the new key. */
  readonly publicKey: Uint8Array
}

/** Store a certificate next to its key. */
export interface ImportCertificateRequest extends SignerCallOptions {
  /** X.509 DER. */
  readonly certificate: Uint8Array
  /** The key it belongs to; when absent the signer finds the key by public key. */
  readonly keyId?: string
  readonly label?: string
  /** CA certificates (DER, up to the root) kept with it where the signer keeps a chain (the keystore); others ignore it. */
  readonly chain?: readonly Uint8Array[]
}

/** Why an agent is unavailable; each maps to a line of the troubleshooting checklist. */
export type UnavailableReason =
  /** Connection refused or closed before the greeting: not running, not installed, or
   * (indistinguishable in a page) untrusted certificate, local-network permission denied, proxy. */
  | 'not-running'
  /** Connected nowhere within the timeout: permission prompt pending, firewall, proxy or antivirus. */
  | 'timeout'
  /** The page is not a secure context or uses a scheme the agent cannot be reached from. */
  | 'insecure-context'
  /** Something answered but it does not speak the protocol. */
  | 'protocol'
  /** Our agent: this origin is not paired yet (pair, then retry). */
  | 'origin-not-approved'

/** Result of detection; `detect()` never throws. */
export interface SignerStatus {
  readonly kind: SignerKind
  readonly available: boolean
  /** Version reported by the agent's greeting. */
  readonly version?: string
  readonly reason?: UnavailableReason
}

/**
 * A place that holds private keys and signs with them.
 *
 * Methods for a missing capability reject with ERR_NOT_SUPPORTED; check `capabilities` first.
 *
 * @example
 * ```ts
 * const status = await signer.detect()
 * if (!status.available) showAgentChecklist(status.reason)
 * else if (signer.capabilities.has('generateKeyAndCsr')) offerTokenStorage()
 * ```
 */
export interface Signer {
  readonly kind: SignerKind
  readonly capabilities: ReadonlySet<SignerCapability>
  /**
   * Where the PIN/password is typed: `'page'` (the PWA prompts and passes `secret`), `'agent'`
   * (the agent's own window asks; calls may wait minutes), `'none'`.
   */
  readonly secretEntry: 'page' | 'agent' | 'none'
  /**
   * Checks that the signer can be used. Never throws. Agents connect (3–5 s timeout) and wait
   * for the greeting; a later call reuses the same connection, and calling `detect()` again after
   * a failure is the Retry.
   */
  detect(): Promise<SignerStatus>
  /** Storages (tokens, containers, files) the signer can use now. */
  listStorages(options?: SignerCallOptions): Promise<SignerStorage[]>
  /** Certificates in a storage (or all storages when `storageId` is absent). */
  listCertificates(options?: SignerCallOptions): Promise<SignerCertificate[]>
  /** Private keys in a storage (or all). */
  listKeys(options?: SignerCallOptions): Promise<SignerKey[]>
  /** CMS SignedData over `data`, attached or detached. */
  signCms(request: SignCmsRequest): Promise<SignCmsResult>
  /** A new key pair in the signer's storage and a PKCS#10 signed by it. */
  generateKeyAndCsr(request: GenerateKeyAndCsrRequest): Promise<GeneratedKeyAndCsr>
  /** Stores `certificate` next to its key; returns how the signer now lists it. */
  importCertificate(request: ImportCertificateRequest): Promise<SignerCertificate>
  /** Removes a certificate (never the key). */
  deleteCertificate(certificateId: string, options?: SignerCallOptions): Promise<void>
  /** Releases the connection; the signer may be detected again afterwards. */
  close(): void
}
