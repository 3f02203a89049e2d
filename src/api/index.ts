/**
 * Public API of the Registration Center client: the typed HTTP client and the outbox with the
 * device's applications. No Vue, no pkijs: safe for the first-paint bundle.
 */
export { createApiClient, type ApiClient, type ApiClientOptions } from './client.ts'
export { ApplicationOutbox, type ApplicationOutboxOptions, type FlushResult } from './outbox.ts'
export { applicationsDbExists } from './database.ts'
export { rootFingerprint, sha256Hex } from './ca-root.ts'
export * from './records.ts'
export type * from './types.ts'
