/**
 * What the login route verifies against: trust anchors (our CA's root plus TRUST_ANCHORS_DIR),
 * our CA's issuing certificates as known intermediates, and revocation routed by issuer — our CA
 * from the database, foreign CAs by OCSP (AIA) then CRL (CDP), fail closed.
 */
import {
  createTrustStore,
  crlChecker,
  firstAnswer,
  ocspChecker,
  routeByIssuer,
  type ParsedCertificate,
  type RevocationChecker,
  type SignatureVerifier,
  type TrustStore,
} from '../../src/verifier/index.ts'
import type { Db } from '../db/schema.ts'
import { databaseRevocationChecker } from './db-revocation.ts'
import { nodeSignatureVerifier } from './node-signature-verifier.ts'

/** The verifier configuration of one server. */
export interface SignInSetup {
  readonly trust: TrustStore
  readonly revocation: RevocationChecker
  /** node:crypto digest + verify (synchronous, several times cheaper than WebCrypto in Node). */
  readonly signatureVerifier: SignatureVerifier
}

export interface SignInSetupInput {
  readonly db: Db
  /** Our CA: its root (an anchor) and issuing CA certificates (intermediates, answered from the database). */
  readonly ownCa?: { readonly root: Uint8Array; readonly issuing: readonly Uint8Array[] }
  /** Other trusted roots (DER). */
  readonly extraAnchors?: readonly Uint8Array[]
  /** Foreign revocation sources (default OCSP then CRL with `timeoutMs`). */
  readonly foreignRevocation?: RevocationChecker
  readonly timeoutMs?: number
}

function sameDer(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
}

/** Builds the trust store and revocation routing. */
export function createSignInSetup(input: SignInSetupInput): SignInSetup {
  const ownIssuing = input.ownCa?.issuing ?? []
  const anchors = [...(input.ownCa ? [input.ownCa.root] : []), ...(input.extraAnchors ?? [])]
  const trust = createTrustStore(anchors, ownIssuing)
  const foreign =
    input.foreignRevocation ?? firstAnswer(ocspChecker({ timeoutMs: input.timeoutMs ?? 3000 }), crlChecker({ timeoutMs: input.timeoutMs ?? 3000 }))
  // Asked on every sign-in about the same few issuer objects (parsed certificates are cached).
  const own = new WeakMap<ParsedCertificate, boolean>()
  const isOwn = (issuer: ParsedCertificate) => {
    let answer = own.get(issuer)
    if (answer === undefined) {
      answer = ownIssuing.some((d) => sameDer(d, issuer.der)) || (!!input.ownCa && sameDer(input.ownCa.root, issuer.der))
      own.set(issuer, answer)
    }
    return answer
  }
  return { trust, revocation: routeByIssuer(isOwn, databaseRevocationChecker(input.db), foreign), signatureVerifier: nodeSignatureVerifier() }
}
