/**
 * Revocation answers from outside (src/verifier/crl.ts, ocsp.ts): mutated CRLs and OCSP
 * responses are served through the checkers' injectable fetch (the transport, not the parser, is
 * replaced). The checkers must never throw; an answer other than 'unknown' must come from a
 * response whose signed part is the seed's, and must be the seed's answer.
 */
import { parseCertificate, type ParsedCertificate } from '../../../src/verifier/certificate.ts'
import { crlChecker } from '../../../src/verifier/crl.ts'
import { ocspChecker } from '../../../src/verifier/ocsp.ts'
import type { RevocationChecker, RevocationResult } from '../../../src/verifier/revocation.ts'
import { elementAt, sameBytes } from '../der-tree.ts'
import type { FuzzTarget, Verdict } from '../invariants.ts'
import { mutants, type Mutant } from '../mutate.ts'
import { FUZZ_NOW, type Seeds } from '../seeds.ts'

const serve = (bytes: Uint8Array) => async () => new Response(bytes as Uint8Array<ArrayBuffer>)
const answer = (r: RevocationResult) => `${r.status}/${r.reason ?? ''}/${r.revokedAt?.getTime() ?? ''}`

async function judgeAnswers(
  check: (leaf: ParsedCertificate) => Promise<RevocationResult>,
  leaves: readonly ParsedCertificate[],
  expected: readonly string[],
  signedPartSame: boolean,
): Promise<Verdict> {
  let accepted = false
  for (const [i, leaf] of leaves.entries()) {
    const r = await check(leaf)
    if (r.status === 'unknown') continue
    if (!signedPartSame) return { kind: 'violation', why: `answered ${answer(r)} from a response whose signed part changed` }
    if (answer(r) !== expected[i]) return { kind: 'violation', why: `answered ${answer(r)} instead of ${expected[i]}` }
    accepted = true
  }
  return { kind: accepted ? 'accepted' : 'refused' }
}

export async function crlTarget(seeds: Seeds): Promise<FuzzTarget<Mutant>> {
  const issuer = parseCertificate(seeds.root.der)
  const leaves = [parseCertificate(seeds.good.der), parseCertificate(seeds.revoked.der)]
  const checkWith = (bytes: Uint8Array): RevocationChecker => crlChecker({ fetch: serve(bytes) })
  const seedChecker = checkWith(seeds.crl)
  const expected = await Promise.all(leaves.map(async (l) => answer(await seedChecker.check(l, issuer, FUZZ_NOW))))
  const tbs = elementAt(seeds.crl, [0])
  return {
    name: 'crl',
    inputs: mutants([seeds.crl]),
    async attempt({ bytes }) {
      const checker = checkWith(bytes) // a fresh cache: every input is downloaded and verified
      return judgeAnswers((l) => checker.check(l, issuer, FUZZ_NOW), leaves, expected, sameBytes(elementAt(bytes, [0]), tbs))
    },
  }
}

/** OCSPResponse → responseBytes [0] → SEQUENCE → response OCTET STRING → BasicOCSPResponse → tbsResponseData. */
const TBS_RESPONSE_DATA = [1, 0, 1, 0, 0]

export async function ocspResponseTarget(seeds: Seeds): Promise<FuzzTarget<Mutant>> {
  const issuer = parseCertificate(seeds.root.der)
  const leaves = [parseCertificate(seeds.good.der), parseCertificate(seeds.revoked.der)]
  const check = (bytes: Uint8Array, leaf: ParsedCertificate) =>
    ocspChecker({ fetch: serve(bytes), useNonce: false, responderUrl: 'http://ocsp.fuzz.test/' }).check(leaf, issuer, FUZZ_NOW)
  const expected = await Promise.all(leaves.map(async (l, i) => answer(await check(seeds.ocspResponses[i] as Uint8Array, l))))
  if (expected.some((e) => e.startsWith('unknown'))) throw new Error(`OCSP seeds are not answered: ${expected.join(', ')}`)
  const tbs = seeds.ocspResponses.map((r) => elementAt(r, TBS_RESPONSE_DATA))
  return {
    name: 'ocsp-response',
    inputs: mutants(seeds.ocspResponses),
    async attempt({ seed, bytes }) {
      const same = seed >= 0 && sameBytes(elementAt(bytes, TBS_RESPONSE_DATA), tbs[seed])
      // A response is about one certificate: ask for both, only the seed's may be answered.
      const expectedFor = leaves.map((_, i) => (i === seed ? (expected[i] as string) : 'none'))
      return judgeAnswers((l) => check(bytes, l), leaves, expectedFor, same)
    },
  }
}
