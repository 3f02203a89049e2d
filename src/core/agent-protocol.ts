/**
 * Wire protocol of our local agent (agent/), shared by the agent and its browser client.
 *
 * Framing is NCALayer's (docs/protocols.md#endpoint-and-framing): the agent greets first,
 * requests are `{module, method, args, uuid?}`, replies use the `basics` envelope
 * `{status:true, body:{result}}` / `{status:false, code, message, data?}`, with `uuid` echoed.
 * Failures carry a stable `ERR_*` code (src/core/errors.ts) and `data` with safe facts
 * (`attemptsLeft`, `pinCountLow`). Binary values are standard base64 of DER.
 *
 * Modules:
 * - `kz.gov.pki.knca.basics` → `sign` (format `cms`): NCALayer's request, plus our optional
 *   `storageId`, `certificateId`, `pin` (no agent-side picker: the page chose and asked the PIN).
 * - `kz.qoltanba.pairing` → `status`, `begin`, `confirm`: served to every loopback origin.
 * - `kz.qoltanba.tokens` → `listTokens`, `listObjects`, `generateKeyPair`, `importCertificate`,
 *   `deleteCertificate`: served only to approved origins (else ERR_ORIGIN_NOT_APPROVED).
 */
import type { CsrSubject } from './signer.ts'

/** Module names. */
export const AgentModule = {
  basics: 'kz.gov.pki.knca.basics',
  pairing: 'kz.qoltanba.pairing',
  tokens: 'kz.qoltanba.tokens',
} as const

/** Largest request frame the agent reads (a CMS of a few MB base64 plus envelope). */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024

/** Greeting `result` of our agent (NCALayer's `{version}` plus our facts). */
export interface AgentGreeting {
  readonly version: string
  readonly agent: 'qoltanba'
  /** Whether the connecting origin is already approved. */
  readonly paired: boolean
}

/** `pairing.status` → */
export interface PairingStatus {
  readonly origin: string
  readonly approved: boolean
  /** A code is waiting to be confirmed for this origin. */
  readonly pending: boolean
}

/** `pairing.begin` → the agent shows a 6-digit code on its own console/window (never sent to the page). */
export interface PairingBegun {
  readonly origin: string
  /** Seconds the code stays valid. */
  readonly expiresInSeconds: number
}

/** `pairing.confirm` args: the code the user read off the agent. */
export interface PairingConfirmArgs {
  readonly code: string
}

/** A storage the agent can use: a PKCS#11 token or a PKCS#12 file in its data dir. */
export interface WireToken {
  /** `p11:<module name>:<token serial>` or `p12:<file name>`. */
  readonly id: string
  readonly type: 'token' | 'pkcs12'
  readonly label: string
  readonly model?: string
  readonly manufacturer?: string
  readonly serialNumber?: string
  /** Configured module name (e.g. "softhsm", "kaztoken"). */
  readonly module?: string
  /** Token reports few PIN attempts left (CKF_USER_PIN_COUNT_LOW / FINAL_TRY). */
  readonly pinCountLow?: boolean
  readonly pinFinalTry?: boolean
  readonly pinLocked?: boolean
}

/** `tokens.listTokens` → */
export interface ListTokensResult {
  readonly tokens: WireToken[]
}

/** `tokens.listObjects` args. `pin` lets the agent list private keys on tokens that hide them. */
export interface ListObjectsArgs {
  readonly storageId: string
  readonly pin?: string
}

/** A key pair on a token (CKA_ID in hex as `id`). */
export interface WireKey {
  readonly id: string
  readonly label?: string
  readonly algorithm: 'RSA' | 'EC' | 'unknown'
  /** SPKI DER, base64. */
  readonly publicKey?: string
}

/** A certificate on a token; `keyId` is the CKA_ID it shares with its key pair. */
export interface WireCertificate {
  /** CKA_ID hex (+ "#n" when several certificates share an id). */
  readonly id: string
  readonly keyId?: string
  readonly label?: string
  /** X.509 DER, base64. */
  readonly der: string
}

/** `tokens.listObjects` → */
export interface ListObjectsResult {
  readonly keys: WireKey[]
  readonly certificates: WireCertificate[]
}

/** Subject attributes of the CSR: the signer's CsrSubject, sent as it is. */
export type WireSubject = CsrSubject

/** `tokens.generateKeyPair` args. */
export interface GenerateKeyPairArgs {
  readonly storageId: string
  readonly pin: string
  readonly algorithm: 'RSA-2048' | 'P-256'
  readonly subject: WireSubject
  readonly keyUsage?: string[]
  readonly extKeyUsage?: string[]
  readonly email?: string
  readonly label?: string
}

/** `tokens.generateKeyPair` → */
export interface GenerateKeyPairResult {
  readonly keyId: string
  /** PKCS#10 DER, base64, signed on the token. */
  readonly csr: string
  readonly publicKey: string
}

/** `tokens.importCertificate` args. Without `keyId` the key is found by public key. */
export interface ImportCertificateArgs {
  readonly storageId: string
  readonly pin: string
  readonly certificate: string
  readonly keyId?: string
  readonly label?: string
}

/** `tokens.importCertificate` → */
export interface ImportCertificateResult {
  readonly certificateId: string
  readonly keyId: string
}

/** `tokens.deleteCertificate` args. */
export interface DeleteCertificateArgs {
  readonly storageId: string
  readonly pin: string
  readonly certificateId: string
}

/** Our additions to NCALayer's `basics.sign` args (all optional; NCALayer ignores unknown keys). */
export interface SignExtensionArgs {
  readonly storageId?: string
  readonly certificateId?: string
  readonly pin?: string
}
