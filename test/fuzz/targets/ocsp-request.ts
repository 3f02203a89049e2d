/**
 * OCSP requests as our responder reads them (server/ca/ocsp-der.ts): mutants of `openssl ocsp`
 * requests (SHA-1 and SHA-256 CertIDs, several certificates, nonce). Refusals are DerError, which
 * the responder turns into malformedRequest; the whole HTTP path is fuzzed in the app target.
 */
import { DerError } from '../../../src/pki/der-reader.ts'
import { parseOcspRequest } from '../../../server/ca/ocsp-der.ts'
import type { FuzzTarget } from '../invariants.ts'
import { mutants, type Mutant } from '../mutate.ts'
import type { Seeds } from '../seeds.ts'

export function ocspRequestTarget(seeds: Seeds): FuzzTarget<Mutant> {
  return {
    name: 'ocsp-request',
    inputs: mutants(seeds.ocspRequests),
    isTyped: (e) => e instanceof DerError,
    async attempt({ bytes }) {
      parseOcspRequest(bytes)
      return { kind: 'accepted' }
    },
  }
}
