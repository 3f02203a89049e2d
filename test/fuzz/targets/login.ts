/**
 * The sign-in token (verifyLoginCms): mutants of a login CMS as DER bytes and as text (base64 cut
 * to 1 mod 4, PEM with and without a body, URL-safe base64). An accepted token must be the
 * seed's payload signed by the seed's signer, and verification must end in a typed error otherwise.
 */
import fc from 'fast-check'
import { acceptWithoutRevocationCheck } from '../../../src/verifier/revocation.ts'
import { createTrustStore } from '../../../src/verifier/trust-store.ts'
import { verifyLoginCms } from '../../../src/verifier/verify-login.ts'
import { sameCertificate } from '../der-tree.ts'
import type { FuzzTarget } from '../invariants.ts'
import { mutants, textMutants } from '../mutate.ts'
import { FUZZ_NOW, LOGIN_ORIGIN, type Seeds } from '../seeds.ts'

type LoginInput = { seed: number; bytes: Uint8Array } | { seed: number; text: string }

export function loginTarget(seeds: Seeds): FuzzTarget<LoginInput> {
  const store = createTrustStore([seeds.root.der])
  return {
    name: 'login',
    inputs: fc.oneof<fc.Arbitrary<LoginInput>[]>(mutants(seeds.login), textMutants(seeds.login)),
    async attempt(input) {
      const v = await verifyLoginCms({
        cms: 'bytes' in input ? input.bytes : input.text,
        expectedPayload: seeds.loginPayload,
        expectedOrigin: LOGIN_ORIGIN,
        trustAnchors: store,
        revocation: acceptWithoutRevocationCheck,
        now: FUZZ_NOW,
      })
      if (!sameCertificate(v.certificate.der, seeds.good.der)) return { kind: 'violation', why: 'a mutated token signed in as another certificate' }
      if (v.payload?.nonce !== 'fuzz-nonce-0123456789abcdef') return { kind: 'violation', why: 'a mutated token carries another payload' }
      return { kind: 'accepted' }
    },
  }
}
