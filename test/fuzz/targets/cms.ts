/**
 * CMS SignedData: the verifier's parser and signature check (src/verifier/cms-signature.ts), the
 * full document check with a trust anchor (verifySignedCms) and the PKI core's verifyCms
 * (src/pki/cms.ts), on mutants of `openssl cms -sign` output (DER, BER-streamed, CAdES with a
 * chain). Signature checks alone tie the content to the signer's KEY (the certificate's own
 * signature is path validation's job), so there a mutant that verifies must carry the seed's
 * content and key; with path validation it must also carry the seed's certificate (its signed
 * part: a re-encoded outer header is an unsigned change, see sameCertificate).
 */
import { parseCertificate as parsePkiCertificate } from '../../../src/pki/certificate-info.ts'
import { verifyCms } from '../../../src/pki/cms.ts'
import { parseSignedData, verifySignedData } from '../../../src/verifier/cms-signature.ts'
import { acceptWithoutRevocationCheck } from '../../../src/verifier/revocation.ts'
import { createTrustStore } from '../../../src/verifier/trust-store.ts'
import { verifySignedCms } from '../../../src/verifier/verify-cms.ts'
import { sameBytes, sameCertificate } from '../der-tree.ts'
import type { FuzzTarget, Verdict } from '../invariants.ts'
import { mutants, type Mutant } from '../mutate.ts'
import { FUZZ_NOW, type Seeds } from '../seeds.ts'

const keyOf = (certDer: Uint8Array) => parsePkiCertificate(certDer).subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView

/** Runs `check`; a typed refusal is `false`, anything else thrown propagates. */
async function accepts(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check()
    return true
  } catch (e) {
    if (e instanceof Error && 'code' in e && typeof e.code === 'string') return false
    throw e
  }
}

export function cmsTarget(seeds: Seeds): FuzzTarget<Mutant> {
  const signer = seeds.good.der
  const signerKey = keyOf(signer)
  const store = createTrustStore([seeds.root.der])
  return {
    name: 'cms',
    inputs: mutants(seeds.cms),
    async attempt({ bytes }): Promise<Verdict> {
      // Each verifier on its own, so one refusing early does not hide another's untyped error.
      let parsed: ReturnType<typeof parseSignedData> | undefined
      await accepts(async () => (parsed = parseSignedData(bytes)))
      let signatureOk = false
      let trusted = false
      if (parsed) {
        const p = parsed
        const content = p.content ?? seeds.cmsContent
        const sameContent = sameBytes(content, seeds.cmsContent)
        signatureOk = await accepts(() => verifySignedData(p, content))
        if (signatureOk && (!sameContent || !sameBytes(keyOf(p.signer.der), signerKey))) {
          return { kind: 'violation', why: 'verifySignedData accepted other content or another key' }
        }
        trusted = await accepts(() => verifySignedCms({ cms: bytes, content: seeds.cmsContent, trustAnchors: store, revocation: acceptWithoutRevocationCheck, now: FUZZ_NOW }))
        if (trusted && (!sameContent || !sameCertificate(p.signer.der, signer))) {
          return { kind: 'violation', why: 'verifySignedCms accepted other content or another signer certificate' }
        }
      }
      let pki: Awaited<ReturnType<typeof verifyCms>> | undefined
      await accepts(async () => (pki = await verifyCms(bytes, { data: seeds.cmsContent })))
      const pkiOk = pki?.valid === true
      if (pki?.valid && (!sameBytes(pki.content, seeds.cmsContent) || !sameBytes(keyOf(pki.signerCertificate), signerKey))) {
        return { kind: 'violation', why: 'src/pki verifyCms accepted other content or another key' }
      }
      return { kind: signatureOk || trusted || pkiOk ? 'accepted' : 'refused' }
    },
  }
}
