/**
 * "Check the key": a test signature with an unlocked key, verified the way a relying party
 * would. With a certificate it is a CMS SignedData verified against that certificate;
 * without one (a key waiting for its certificate) a raw signature verified with the stored
 * public key.
 */
import { verifyCms } from '../pki/cms.ts'
import { bytesEqual } from '../core/bytes.ts'
import type { KeystoreContext } from './context.ts'
import { importPublicKey } from './key-material.ts'
import type { ContainerView, KeyView } from './views.ts'

/** Outcome of a key check. */
export interface KeyCheckResult {
  readonly keyId: string
  readonly verified: boolean
  /** 'cms' when checked against the key's certificate, 'raw' against its public key. */
  readonly method: 'cms' | 'raw'
}

/**
 * What the check uses of the keystore. The Keystore class has these methods and calls
 * checkKey with itself; naming them here instead of importing the class keeps the two files
 * out of an import cycle.
 */
export interface KeyCheckSigner {
  signCms(containerId: string, keyId: string, data: Uint8Array, options: { detached: boolean }): Promise<Uint8Array>
  getContainer(containerId: string): Promise<ContainerView>
  privateKey(containerId: string, keyId: string): CryptoKey
}

/** Signs a short test message with `key` (its container must be unlocked) and verifies it. */
export async function checkKey(ctx: KeystoreContext, keystore: KeyCheckSigner, key: KeyView, hasCertificate: boolean): Promise<KeyCheckResult> {
  const data = new TextEncoder().encode(`Qoltanba key check ${new Date().toISOString()}`)
  if (key.algorithm.name === 'GOST') {
    // WebCrypto cannot verify GOST: pki/gost checks the CMS; a GOST key always came with its certificate.
    const cms = await keystore.signCms(key.containerId, key.id, data, { detached: true })
    const signer = (await import('../pki/gost/index.ts')).checkGostCms(cms, data)
    const certificates = (await keystore.getContainer(key.containerId)).certificates.filter((c) => c.keyId === key.id)
    return { keyId: key.id, verified: signer !== undefined && certificates.some((c) => bytesEqual(c.der, signer)), method: 'cms' }
  }
  if (hasCertificate) {
    const cms = await keystore.signCms(key.containerId, key.id, data, { detached: true })
    const result = await verifyCms(cms, { data }, ctx.crypto)
    const certificates = (await keystore.getContainer(key.containerId)).certificates.filter((c) => c.keyId === key.id)
    const ours = certificates.some((c) => bytesEqual(c.der, result.signerCertificate))
    return { keyId: key.id, verified: result.valid && ours, method: 'cms' }
  }
  const privateKey = keystore.privateKey(key.containerId, key.id)
  const params = key.algorithm.name === 'EC' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' }
  const signature = await ctx.crypto.subtle.sign(params, privateKey, data)
  const publicKey = await importPublicKey(key.spki, key.algorithm, ctx.crypto)
  return { keyId: key.id, verified: await ctx.crypto.subtle.verify(params, publicKey, signature, data), method: 'raw' }
}
