/**
 * The crypto engine `pki` runs on. pkijs keeps one global engine; we set it once per runtime
 * from the WebCrypto that runtime has (browser `crypto`, Node `globalThis.crypto`), so the same
 * code runs in the PWA, the Registration Center and the agent. Functions that need crypto take a
 * defaulted trailing `crypto = getCrypto()` parameter (the @peculiar/x509 convention), so a test
 * or the agent can pass another implementation (e.g. a PKCS#11-backed WebCrypto).
 */
import * as pkijs from 'pkijs'
import { isGostSignature, verifyGostWithPublicKey } from './gost-verify.ts'

/**
 * pkijs's engine with one addition: GOST signatures (NCA's keys, issue 23) verify through
 * src/pki/gost, so every pkijs check — certificate links, CRLs, OCSP responses — accepts them.
 */
class QoltanbaCryptoEngine extends pkijs.CryptoEngine {
  override verifyWithPublicKey(
    ...[data, signature, publicKeyInfo, signatureAlgorithm, shaAlgorithm]: Parameters<pkijs.CryptoEngine['verifyWithPublicKey']>
  ): Promise<boolean> {
    if (isGostSignature(signatureAlgorithm)) return verifyGostWithPublicKey(data, signature, publicKeyInfo, signatureAlgorithm)
    return super.verifyWithPublicKey(data, signature, publicKeyInfo, signatureAlgorithm, shaAlgorithm)
  }
}

let current: Crypto | undefined

/** Installs `crypto` as the engine for pkijs and for every `pki` function's default. */
export function setCrypto(crypto: Crypto, name = 'webcrypto'): void {
  current = crypto
  pkijs.setEngine(name, new QoltanbaCryptoEngine({ name, crypto }))
}

/** The installed engine, or the runtime's own WebCrypto the first time it is asked for. */
export function getCrypto(): Crypto {
  if (!current) {
    if (!globalThis.crypto?.subtle) throw new Error('No WebCrypto in this runtime (a secure context is required)')
    setCrypto(globalThis.crypto)
  }
  return current as Crypto
}

/** The pkijs engine bound to `crypto` (what pkijs's `sign`/`verify` calls need). */
export function getEngine(crypto: Crypto = getCrypto()): pkijs.CryptoEngine {
  return new QoltanbaCryptoEngine({ name: 'webcrypto', crypto })
}
