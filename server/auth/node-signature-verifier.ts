/**
 * The verifier's digest + signature check over node:crypto, synchronous. On the server a
 * WebCrypto call is a thread-pool job wrapped in WebIDL argument conversion that costs several
 * times the RSA-2048 verification itself; node:crypto's one-shot `verify` runs OpenSSL on the
 * calling thread, as `openssl speed` does. Public keys are made once per parsed certificate.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'
import type { ParsedCertificate, SignatureVerifier } from '../../src/verifier/index.ts'

const NODE_HASH = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const

/** A SignatureVerifier over node:crypto; keep one per process (it memoises public keys). */
export function nodeSignatureVerifier(): SignatureVerifier {
  const keys = new WeakMap<ParsedCertificate, KeyObject>()
  const keyOf = (cert: ParsedCertificate): KeyObject => {
    let key = keys.get(cert)
    if (!key) {
      const spki = Buffer.from(cert.cert.subjectPublicKeyInfo.toSchema().toBER(false))
      keys.set(cert, (key = createPublicKey({ key: spki, format: 'der', type: 'spki' })))
    }
    return key
  }
  return {
    digest: (hash, data) => createHash(NODE_HASH[hash]).update(data).digest(),
    verify(cert, scheme, signature, data) {
      try {
        const key = keyOf(cert)
        // The scheme must match the key: node:crypto would happily verify PKCS#1 with any RSA
        // key and ECDSA on any curve, so the curve is checked against the certificate's.
        if (scheme.kind === 'ECDSA' ? key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== nodeCurve(scheme.curve?.name) : key.asymmetricKeyType !== 'rsa') {
          return false
        }
        return verify(NODE_HASH[scheme.hash], data, scheme.kind === 'ECDSA' ? { key, dsaEncoding: 'der' } : key, signature)
      } catch {
        return false // a malformed key or signature is a signature that does not verify
      }
    },
  }
}

function nodeCurve(name: string | undefined): string | undefined {
  return name === 'P-256' ? 'prime256v1' : name === 'P-384' ? 'secp384r1' : name === 'P-521' ? 'secp521r1' : undefined
}
