/**
 * What the login route verifies against: trust anchors (our CA's root plus TRUST_ANCHORS_DIR),
 * our CA's issuing certificates as known intermediates, and revocation of every certificate of
 * the path routed by its issuer, fail closed:
 * - issued by our issuing CA (the signer): the `certificates` table, effective at commit;
 * - issued by our root (the issuing CA itself): the root CRL the CA publishes at /crl/root.crl,
 *   read from the CA in memory (parsed and verified once per CRL, so this costs a map lookup);
 * - issued by anyone else: OCSP (AIA) then CRL (CDP); answers about foreign intermediate CAs are
 *   reused for up to an hour (never past their nextUpdate), answers about signers never.
 */
import {
  createTrustStore,
  cacheCaAnswers,
  crlChecker,
  firstAnswer,
  localCrlChecker,
  ocspChecker,
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
  /**
   * Our CA: its root (an anchor), issuing CA certificates (intermediates; what they issue is
   * answered from the database) and the root's current CRL (DER; asked on every check, so a
   * re-signed CRL takes effect at once), which answers for the issuing CA certificates.
   */
  readonly ownCa?: { readonly root: Uint8Array; readonly issuing: readonly Uint8Array[]; readonly rootCrl: () => Uint8Array }
  /** Other trusted roots (DER). */
  readonly extraAnchors?: readonly Uint8Array[]
  /** Foreign revocation sources (default OCSP then CRL with `timeoutMs`). */
  readonly foreignRevocation?: RevocationChecker
  readonly timeoutMs?: number
}

function sameDer(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)
}

type IssuerKind = 'own-issuing' | 'own-root' | 'foreign'

/** Builds the trust store and revocation routing. */
export function createSignInSetup(input: SignInSetupInput): SignInSetup {
  const ownCa = input.ownCa
  const ownIssuing = ownCa?.issuing ?? []
  const anchors = [...(ownCa ? [ownCa.root] : []), ...(input.extraAnchors ?? [])]
  const trust = createTrustStore(anchors, ownIssuing)
  const foreign =
    input.foreignRevocation ??
    cacheCaAnswers(firstAnswer(ocspChecker({ timeoutMs: input.timeoutMs ?? 3000 }), crlChecker({ timeoutMs: input.timeoutMs ?? 3000 })))
  const database = databaseRevocationChecker(input.db)
  const rootCrl: RevocationChecker = ownCa ? localCrlChecker(() => [ownCa.rootCrl()]) : foreign
  // Asked on every sign-in about the same few issuer objects (parsed certificates are cached).
  const kinds = new WeakMap<ParsedCertificate, IssuerKind>()
  const kindOf = (issuer: ParsedCertificate): IssuerKind => {
    let kind = kinds.get(issuer)
    if (kind === undefined) {
      kind = ownIssuing.some((d) => sameDer(d, issuer.der)) ? 'own-issuing' : ownCa && sameDer(ownCa.root, issuer.der) ? 'own-root' : 'foreign'
      kinds.set(issuer, kind)
    }
    return kind
  }
  const route: Record<IssuerKind, RevocationChecker> = { 'own-issuing': database, 'own-root': rootCrl, foreign }
  const revocation: RevocationChecker = { check: (certificate, issuer, now) => route[kindOf(issuer)].check(certificate, issuer, now) }
  return { trust, revocation, signatureVerifier: nodeSignatureVerifier() }
}
