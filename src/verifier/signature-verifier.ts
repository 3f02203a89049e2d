/**
 * The two primitive operations CMS signature checking needs — a digest and a public-key
 * verification with a certificate's key — behind one small interface, so the platform picks the
 * cheapest implementation. Browsers use WebCrypto (the default below). The Registration Center
 * passes Node's synchronous `node:crypto` (server/auth/node-signature-verifier.ts): a WebCrypto
 * call in Node is a thread-pool job with WebIDL argument conversion around it, several times the
 * cost of the RSA-2048 verification itself, and sign-in is verification-bound.
 */
import type { ParsedCertificate } from './certificate.ts'
import { childrenOf, expectTag, readTlv, valueOf } from '../pki/der-reader.ts'

/** Hash names as WebCrypto spells them. */
export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512'

/** What is verified: RSASSA-PKCS1-v1_5 or ECDSA (named curve) with a hash. */
export interface SignatureScheme {
  readonly kind: 'RSASSA-PKCS1-v1_5' | 'ECDSA'
  readonly hash: HashName
  /** WebCrypto curve name and field size in bytes, for ECDSA. */
  readonly curve?: { readonly name: string; readonly size: number }
}

/** A digest and a verification; either may answer synchronously. */
export interface SignatureVerifier {
  digest(hash: HashName, data: Uint8Array): Uint8Array | Promise<Uint8Array>
  /**
   * Verifies `signature` over `data` with `cert`'s public key. ECDSA signatures come DER-encoded
   * (Ecdsa-Sig-Value), as CMS carries them. False for a wrong or malformed signature.
   */
  verify(cert: ParsedCertificate, scheme: SignatureScheme, signature: Uint8Array, data: Uint8Array): boolean | Promise<boolean>
}

/** ECDSA-Sig-Value (DER SEQUENCE of two INTEGERs) → WebCrypto's r‖s; undefined when malformed. */
export function ecdsaDerToRaw(sig: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const seq = readTlv(sig, 0)
    if (seq.end !== sig.length) return undefined
    const parts = childrenOf(sig, expectTag(seq, 0x30))
    if (parts.length !== 2) return undefined
    const out = new Uint8Array(size * 2)
    for (const [k, t] of parts.entries()) {
      let v = valueOf(sig, expectTag(t, 0x02))
      while (v.length > 1 && v[0] === 0) v = v.subarray(1)
      if (v.length > size) return undefined
      out.set(v, (k + 1) * size - v.length)
    }
    return out
  } catch {
    return undefined
  }
}

/** A verifier over WebCrypto, with imported keys memoised per certificate and scheme. */
export function webCryptoVerifier(crypto: Crypto): SignatureVerifier {
  const keys = new WeakMap<ParsedCertificate, Map<string, Promise<CryptoKey>>>()
  const keyFor = (cert: ParsedCertificate, scheme: SignatureScheme): Promise<CryptoKey> => {
    let perCert = keys.get(cert)
    if (!perCert) keys.set(cert, (perCert = new Map()))
    const id = `${scheme.kind}/${scheme.hash}/${scheme.curve?.name ?? ''}`
    let key = perCert.get(id)
    if (!key) {
      const alg = scheme.kind === 'ECDSA' ? { name: 'ECDSA', namedCurve: scheme.curve?.name ?? '' } : { name: scheme.kind, hash: scheme.hash }
      const spki = new Uint8Array(cert.cert.subjectPublicKeyInfo.toSchema().toBER(false))
      key = crypto.subtle.importKey('spki', spki, alg, false, ['verify'])
      key.catch(() => perCert.delete(id))
      perCert.set(id, key)
    }
    return key
  }
  return {
    digest: async (hash, data) => new Uint8Array(await crypto.subtle.digest(hash, data as Uint8Array<ArrayBuffer>)),
    async verify(cert, scheme, signature, data) {
      let sig: Uint8Array | undefined = signature
      if (scheme.kind === 'ECDSA') {
        sig = scheme.curve ? ecdsaDerToRaw(signature, scheme.curve.size) : undefined
        if (!sig) return false
      }
      const params = scheme.kind === 'ECDSA' ? { name: 'ECDSA', hash: scheme.hash } : scheme.kind
      return crypto.subtle.verify(params, await keyFor(cert, scheme), sig as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>)
    },
  }
}

const defaults = new WeakMap<Crypto, SignatureVerifier>()

/** The WebCrypto verifier for `crypto`, one per Crypto object (so its key memo is shared). */
export function defaultSignatureVerifier(crypto: Crypto): SignatureVerifier {
  let v = defaults.get(crypto)
  if (!v) defaults.set(crypto, (v = webCryptoVerifier(crypto)))
  return v
}
