/**
 * Public API of the browser keystore. UI code loads it with `await import('@/keystore/index.ts')`
 * so pkijs stays out of the first-paint bundle.
 */
export { Keystore, type KeystoreOptions, type KeystoreSignOptions } from './keystore.ts'
export { KeystoreSigner } from './browser-signer.ts'
export { DEFAULT_DB_NAME } from './database.ts'
export { DEFAULT_PBKDF2_ITERATIONS, type KeyAlgorithmChoice } from './key-material.ts'
export { MAX_PKCS12_BYTES, type ImportPkcs12Options } from './import-pkcs12.ts'
export type { ExportPkcs12Options } from './export-pkcs12.ts'
export type { KeyCheckResult } from './key-check.ts'
export type { CreateContainerOptions, CreatedContainer } from './containers.ts'
export { DEFAULT_IDLE_LOCK_MS, type LockListener, type LockReason } from './sessions.ts'
export { retryDelayMs, MAX_RETRY_DELAY_MS } from './throttle.ts'
export type { CertificateView, ContainerView, KeyView } from './views.ts'
export type { CertificatePurpose, CertificateSummary, KeyAlgorithm } from './schema.ts'
export { certificateStatus, daysLeft, EXPIRING_SOON_DAYS, type CertificateStatus } from './status.ts'
export { deleteKeystoreDatabase } from './wipe.ts'
export type { PasskeyAuthenticator, PasskeyResult, PasskeyView } from './passkeys.ts'
export { WebAuthnPasskeys, passkeySupport, type PasskeySupport } from './webauthn.ts'
