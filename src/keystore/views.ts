/**
 * What the keystore hands out: records without the encrypted key bytes, plus the lock state.
 * Views are plain data, safe to put in a Pinia store.
 */
import type { CertificateRecord, ContainerRecord, KeyAlgorithm, KeyRecord } from './schema.ts'

/** A key pair of a container, without its private key. */
export interface KeyView {
  readonly id: string
  readonly containerId: string
  readonly algorithm: KeyAlgorithm
  readonly spki: Uint8Array
  readonly createdAt: number
  readonly friendlyName?: string
}

/** A certificate of a container. `keyId` is unset for CA certificates of the chain. */
export type CertificateView = CertificateRecord

/** A container with its keys and certificates. */
export interface ContainerView extends ContainerRecord {
  readonly keys: readonly KeyView[]
  readonly certificates: readonly CertificateView[]
  readonly unlocked: boolean
}

/** Drops the encrypted private key from a key record. */
export function toKeyView(record: KeyRecord): KeyView {
  const { encryptedPkcs8: _secret, ...view } = record
  return view
}
