/**
 * Verifies a certificate sign-in: a CMS SignedData over the challenge payload the relying party
 * issued. Follows Web eID's token validation (docs/protocols.md#server-checks, docs/protocols.md#ncalayer-has-no-origin):
 * content bound to origin and nonce, signature by the included certificate, a validated path to
 * a configured anchor, an authentication-purpose leaf, and revocation status. It does not care
 * who made the CMS (browser keystore, our agent, NCALayer `basics.sign` cms, `openssl cms -sign`).
 *
 * Nonce bookkeeping (single use, session binding) belongs to the caller: look the nonce up and
 * delete it before calling, then pass the issued bytes as `expectedPayload`.
 *
 * @example
 * const result = await verifyLoginCms({
 *   cms: body.cms, expectedPayload: issued.bytes, expectedOrigin: 'https://portal.example.kz',
 *   trustAnchors: store, revocation: firstAnswer(ocspChecker(), crlChecker()),
 * })
 * result.iin // '871203350924'
 */
import { getCrypto } from '../pki/engine.ts'
import type { ParsedCertificate } from './certificate.ts'
import { checkContentType, parseSignedData, type ParsedSignedData } from './cms-signature.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import { bytesEqual } from '../core/bytes.ts'
import { normalizeOrigin, parseLoginPayload, type LoginPayload } from './login-payload.ts'
import { subjectIdentity, type SubjectIdentity } from './name.ts'
import { DEFAULT_SKEW_MS } from './path-validation.ts'
import { pathOptionsOf, verifySignerAndPath, type TrustCheckOptions } from './signer-checks.ts'
import type { RevocationResult } from './revocation.ts'
import { createTrustStore } from './trust-store.ts'

/** Inputs of {@link verifyLoginCms}. */
export interface VerifyLoginOptions extends TrustCheckOptions {
  /** The CMS as DER bytes, base64 or PEM. */
  readonly cms: Uint8Array | string
  /** `parseSignedData(cms)` when the caller has it already (the server reads the nonce first). */
  readonly parsed?: ParsedSignedData
  /**
   * The exact bytes issued for this sign-in. The signed content must equal them byte for byte.
   * With our payload format, origin/nonce/expiry are also checked to give precise codes.
   */
  readonly expectedPayload?: Uint8Array
  /** The relying party's own origin (`https://host[:port]`); required unless `expectedPayload` is not ours. */
  readonly expectedOrigin?: string
  /** The nonce issued to this browser session, when `expectedPayload` is not kept. */
  readonly expectedNonce?: string
  /** Content of a detached CMS (defaults to `expectedPayload`). */
  readonly detachedContent?: Uint8Array
}

/** Public facts about the signer certificate. */
export interface SignerCertificateInfo {
  readonly der: Uint8Array
  readonly serialNumber: string
  readonly subject: string
  readonly issuer: string
  readonly notBefore: Date
  readonly notAfter: Date
  readonly keyAlgorithm: string
  readonly extKeyUsage: readonly string[]
}

/** A successful verification. */
export interface LoginVerification {
  readonly certificate: SignerCertificateInfo
  readonly identity: SubjectIdentity
  /** IIN from SERIALNUMBER, when present. */
  readonly iin?: string
  /** BIN from OU, when present (an employee of a legal entity). */
  readonly bin?: string
  /** The decoded payload when it is in our format. */
  readonly payload?: LoginPayload
  /** Validated path, leaf first, anchor last. */
  readonly chain: readonly ParsedCertificate[]
  /** The signer certificate's status. */
  readonly revocation: RevocationResult
  /** The status of every certificate of `chain` but the anchor, leaf first (`revocations[0]` is `revocation`). */
  readonly revocations: readonly RevocationResult[]
  readonly signingTime?: Date
}

function checkPayload(content: Uint8Array, opts: VerifyLoginOptions, now: Date): LoginPayload | undefined {
  const ours = (() => {
    try {
      return parseLoginPayload(content)
    } catch (e) {
      if (opts.expectedPayload) return undefined // a foreign format: byte equality decides
      throw e
    }
  })()
  if (ours) {
    if (opts.expectedOrigin !== undefined && ours.origin !== normalizeOrigin(opts.expectedOrigin)) {
      refuse(LoginErrorCode.OriginMismatch, `The payload was issued for ${ours.origin}, not ${normalizeOrigin(opts.expectedOrigin)}`, {
        origin: ours.origin,
      })
    }
    if (opts.expectedNonce !== undefined && !bytesEqual(new TextEncoder().encode(ours.nonce), new TextEncoder().encode(opts.expectedNonce))) {
      refuse(LoginErrorCode.NonceUnknown, 'The payload carries another nonce')
    }
    if (Date.parse(ours.expiresAt) < now.getTime()) refuse(LoginErrorCode.NonceExpired, `The challenge expired at ${ours.expiresAt}`)
  }
  if (opts.expectedPayload && !bytesEqual(content, opts.expectedPayload)) {
    refuse(LoginErrorCode.PayloadMismatch, 'The signed content differs from the issued payload')
  }
  return ours
}

/**
 * Verifies a sign-in CMS. Resolves with the signer's identity or rejects with a QoltanbaError
 * whose `code` is one of {@link LoginErrorCode}: payload (ERR_PAYLOAD_MISMATCH, ERR_ORIGIN_MISMATCH,
 * ERR_NONCE_EXPIRED, ERR_NONCE_UNKNOWN), signature (ERR_SIGNATURE_INVALID, ERR_SIGNING_CERT_MISMATCH,
 * ERR_WEAK_ALGORITHM, ERR_WEAK_KEY), path (ERR_UNTRUSTED_CHAIN, ERR_CERT_EXPIRED, ERR_CERT_NOT_YET_VALID, ERR_PATH_LEN,
 * ERR_NOT_A_CA, ERR_UNKNOWN_CRITICAL_EXTENSION), purpose (ERR_WRONG_KEY_USAGE), status
 * (ERR_CERT_REVOKED, ERR_CERT_ON_HOLD, ERR_REVOCATION_UNKNOWN), ERR_WRONG_CONTENT_TYPE (the CMS
 * signs something other than id-data, e.g. a timestamp token) or ERR_MALFORMED. Whatever the
 * input, nothing else is thrown; a TypeError only for options missing both ways of binding
 * the payload (a bug in the caller, not an input).
 */
export async function verifyLoginCms(opts: VerifyLoginOptions): Promise<LoginVerification> {
  if (!opts.expectedPayload && (opts.expectedOrigin === undefined || opts.expectedNonce === undefined)) {
    throw new TypeError('verifyLoginCms needs expectedPayload, or expectedOrigin and expectedNonce')
  }
  const crypto = opts.crypto ?? getCrypto()
  const now = opts.now ?? new Date()
  const skewMs = opts.skewMs ?? DEFAULT_SKEW_MS
  const store = 'anchors' in opts.trustAnchors ? opts.trustAnchors : createTrustStore(opts.trustAnchors)

  const parsed = opts.parsed ?? parseSignedData(opts.cms)
  // A sign-in is a signature over our payload (id-data); a signed TSTInfo is no sign-in.
  checkContentType(parsed)
  const content = parsed.content ?? opts.detachedContent ?? opts.expectedPayload
  if (!content) refuse(LoginErrorCode.Malformed, 'The CMS is detached and no content was given')
  const payload = checkPayload(content, opts, now)
  const { chain, revocation, revocations } = await verifySignerAndPath({ parsed, content, store, now, skewMs, revocation: opts.revocation, crypto, purpose: 'authentication', pathOptions: pathOptionsOf(opts), ...(opts.signatureVerifier ? { signatureVerifier: opts.signatureVerifier } : {}) })
  const leaf = parsed.signer

  const identity = subjectIdentity(leaf.cert.subject)
  return {
    certificate: {
      der: leaf.der,
      serialNumber: leaf.serialHex,
      subject: leaf.subjectDn,
      issuer: leaf.issuerDn,
      notBefore: leaf.notBefore,
      notAfter: leaf.notAfter,
      keyAlgorithm: leaf.publicKey.algorithm === 'RSA' ? `RSA-${leaf.publicKey.bits}` : leaf.publicKey.algorithm === 'EC' ? `EC ${leaf.publicKey.curve}` : leaf.publicKey.oid,
      extKeyUsage: leaf.extKeyUsage ?? [],
    },
    identity,
    ...(identity.iin ? { iin: identity.iin } : {}),
    ...(identity.bin ? { bin: identity.bin } : {}),
    ...(payload ? { payload } : {}),
    chain,
    revocation,
    revocations,
    ...(parsed.signingTime ? { signingTime: parsed.signingTime } : {}),
  }
}
