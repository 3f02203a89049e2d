/**
 * Certificates: the verifier's parser (src/verifier/certificate.ts) and the PKI core's
 * (src/pki/certificate-info.ts: parse, describe, match a key) on mutants of OpenSSL-made and NCA
 * certificates (RSA, P-256, GOST). Parsing checks no signature, so only the error and time
 * invariants apply here; signed-content checks live in the CMS, CRL and OCSP targets.
 */
import { certificateMatchesKey, describeCertificate, parseCertificate as parsePkiCertificate } from '../../../src/pki/certificate-info.ts'
import { parseCertificate } from '../../../src/verifier/certificate.ts'
import type { FuzzTarget } from '../invariants.ts'
import { mutants, type Mutant } from '../mutate.ts'
import type { Seeds } from '../seeds.ts'

export function certificateTarget(seeds: Seeds): FuzzTarget<Mutant> {
  const spki = new Uint8Array(parsePkiCertificate(seeds.good.der).subjectPublicKeyInfo.toSchema().toBER(false))
  return {
    name: 'certificate',
    inputs: mutants(seeds.certificates),
    async attempt({ bytes }) {
      // Each parser on its own: one refusing must not hide the other's untyped error.
      let firstError: unknown
      for (const use of [() => parseCertificate(bytes), () => parsePkiCertificate(bytes), () => describeCertificate(bytes), () => certificateMatchesKey(bytes, spki)]) {
        try {
          await use()
        } catch (e) {
          firstError ??= e
          if (!(e instanceof Error && 'code' in e)) throw e
        }
      }
      if (firstError) throw firstError
      return { kind: 'accepted' }
    },
  }
}
