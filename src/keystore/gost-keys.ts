/**
 * NCA's GOST keys in a browser container (issue 23). They are stored like every other key (PBES2
 * PKCS#8, in NCA's own PKCS#8 form, so an export gives back a file NCA's tools read), but
 * WebCrypto cannot hold them: an unlocked GOST key lives in src/pki/gost, and the session keeps
 * a stand-in CryptoKey (a fresh non-extractable HMAC key, good for nothing else) that maps to it
 * through a WeakMap. Sessions, the idle lock and the wipe therefore work unchanged: when the
 * session drops the stand-in, nothing reaches the GOST key any more.
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { describePrivateKey } from '../pki/private-key.ts'
import type { GostSigningKey } from '../pki/gost/index.ts'
import type { CmsContent } from '../pki/cms.ts'
import type { KeyAlgorithm } from './schema.ts'

const behind = new WeakMap<CryptoKey, GostSigningKey>()

/** The GOST key a session's stand-in stands for, or undefined for an ordinary CryptoKey. */
export function gostKeyBehind(key: CryptoKey): GostSigningKey | undefined {
  return behind.get(key)
}

/** True when a plain PKCS#8 holds a GOST key (NCA's or another GOST arc). */
export function isGostPkcs8(pkcs8: Uint8Array): boolean {
  try {
    return describePrivateKey(pkcs8).algorithm === 'GOST'
  } catch {
    return false
  }
}

function loadGost(): Promise<typeof import('../pki/gost/index.ts')> {
  return import('../pki/gost/index.ts')
}

/**
 * Opens a GOST PKCS#8 behind a stand-in CryptoKey; with `spki`, proves the key is that public
 * key's (ERR_KEY_MISMATCH otherwise). The caller zeroes `pkcs8`.
 *
 * @throws QoltanbaError ERR_UNSUPPORTED_ALGORITHM (details.gost: GOST forms we cannot prove, e.g.
 *   2015 private keys), ERR_MALFORMED, ERR_KEY_MISMATCH.
 */
export async function openGostKey(pkcs8: Uint8Array, spki: Uint8Array | undefined, crypto: Crypto): Promise<CryptoKey> {
  const gost = await loadGost()
  const key = gost.openGostPrivateKey(pkcs8, (b) => crypto.getRandomValues(b))
  if (spki && !gost.gostKeyMatchesSpki(key, spki)) {
    throw new QoltanbaError(ErrorCode.KeyMismatch, 'The stored key does not match its public key', { gost: true })
  }
  const standIn = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  behind.set(standIn, key)
  return standIn
}

/** The algorithm record and the SubjectPublicKeyInfo (NCA's form) of a GOST PKCS#8. */
export async function describeGostPkcs8(pkcs8: Uint8Array): Promise<{ algorithm: KeyAlgorithm; spki: Uint8Array }> {
  const gost = await loadGost()
  const key = gost.openGostPrivateKey(pkcs8)
  return { algorithm: { name: 'GOST', standard: key.algorithm.name }, spki: gost.gostSpkiOf(key) }
}

/** CMS SignedData with an unlocked GOST key (pki/gost's signGostCms, loaded on first use). */
export async function signCmsWithGost(key: GostSigningKey, opts: CmsContent): Promise<Uint8Array> {
  return (await loadGost()).signGostCms(opts, key)
}
