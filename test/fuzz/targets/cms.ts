/**
 * CMS SignedData: the verifier's parser and signature check (src/verifier/cms-signature.ts) and
 * the PKI core's verifyCms (src/pki/cms.ts), on mutants of `openssl cms -sign` output (DER,
 * BER-streamed, CAdES with a chain). A mutant that verifies must carry the seed's content and
 * signer: only unsigned parts may have changed.
 */
import { verifyCms } from '../../../src/pki/cms.ts'
import { parseSignedData, verifySignedData } from '../../../src/verifier/cms-signature.ts'
import { sameBytes } from '../der-tree.ts'
import type { FuzzTarget } from '../invariants.ts'
import { mutants, type Mutant } from '../mutate.ts'
import type { Seeds } from '../seeds.ts'

export function cmsTarget(seeds: Seeds): FuzzTarget<Mutant> {
  const signer = seeds.good.der
  return {
    name: 'cms',
    inputs: mutants(seeds.cms),
    async attempt({ bytes }) {
      const parsed = parseSignedData(bytes)
      const content = parsed.content ?? seeds.cmsContent
      let verifierAccepted = false
      try {
        await verifySignedData(parsed, content)
        verifierAccepted = true
      } catch (e) {
        if (!(e instanceof Error && 'code' in e)) throw e
      }
      if (verifierAccepted && (!sameBytes(content, seeds.cmsContent) || !sameBytes(parsed.signer.der, signer))) {
        return { kind: 'violation', why: 'src/verifier accepted a CMS with other content or another signer' }
      }
      const v = await verifyCms(bytes, parsed.content ? {} : { data: seeds.cmsContent })
      if (v.valid && (!sameBytes(v.content, seeds.cmsContent) || !sameBytes(v.signerCertificate, signer))) {
        return { kind: 'violation', why: 'src/pki verifyCms accepted a CMS with other content or another signer' }
      }
      return { kind: verifierAccepted || v.valid ? 'accepted' : 'refused' }
    },
  }
}
