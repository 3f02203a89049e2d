/** Certificate profiles as data; `getProfile(id)` is what the CA's issueCertificate consumes. */
export { PROFILES, ALLOWED_KEYS, getProfile } from './profiles.ts'
export { enforceKeyPolicy } from './key-policy.ts'
export type * from './types.ts'
