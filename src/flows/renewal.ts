/**
 * Renewing one of this device's certificate pairs online, authorised by its current signing key:
 * the container password is checked by unlocking, two new keys and requests are made in a new
 * container of the same kind (browser container or key files, with the same password), and the
 * renewal request (src/core/renewal-wire.ts: the old serial, the new CSRs' hashes, the holder's
 * choice about the old pair) is signed as CMS by the OLD signing key. The caller puts the result
 * in the outbox (src/stores/applications.ts), so a closed browser loses nothing; installation is
 * the usual one (src/flows/install.ts). The hardware-token path is not here yet.
 */
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import { fromBase64, toBase64 } from '@/core/bytes.ts'
import { renewalRequestPayload } from '@/core/renewal-wire.ts'
import { sha256Hex, type ApplicantSummary, type ApplicationDraft, type RenewalSubmission, type SubmissionBody } from '@/api/index.ts'
import type { Keystore } from '@/keystore/index.ts'
import type { CertificateView } from '@/keystore/views.ts'
import type { Signer } from '@/core/signer.ts'
import { makeKeysAndRequests, type GenerationPhase } from './key-requests.ts'

/** What a renewal needs from the screen. */
export interface RenewalInput {
  readonly keystore: Keystore
  /** The keystore's Signer (new keys go into a new container). */
  readonly signer: Signer
  /** The signing certificate being renewed (its key signs the request). */
  readonly certificate: CertificateView
  /** The applicant as this device knows it (the old application's record, or the certificate's subject). */
  readonly applicant: ApplicantSummary
  readonly storage: 'browser' | 'file'
  /** The old container's password; the new container gets the same one. */
  readonly password: string
  readonly containerName: string
  readonly supersedeNow: boolean
  readonly language: 'kk' | 'ru' | 'en'
  readonly onPhase: (phase: GenerationPhase) => void
}

/** Makes the new keys and the signed renewal; nothing is sent here. */
export async function prepareRenewal(input: RenewalInput): Promise<{ body: SubmissionBody; draft: ApplicationDraft; renewal: RenewalSubmission }> {
  const { keystore, certificate } = input
  if (!certificate.keyId) throw new QoltanbaError(ErrorCode.NotFound, 'no key for this certificate')
  const iin = input.applicant.iin
  const wasUnlocked = keystore.isUnlocked(certificate.containerId)
  // A wrong password stops here, before any key is made.
  await keystore.unlockContainer(certificate.containerId, input.password)
  try {
    const algorithm = /^RSA/i.test(certificate.summary.keyAlgorithm) ? 'RSA-2048' : 'P-256'
    const { body, draft } = await makeKeysAndRequests(
      { draft: { applicant: input.applicant }, storage: input.storage, algorithm, onPhase: input.onPhase },
      { signer: input.signer, secret: input.password, label: () => input.containerName },
    )
    const hashOf = async (purpose: 'auth' | 'sign') => sha256Hex(fromBase64(body.requests.find((r) => r.purpose === purpose)!.csr))
    const payload = renewalRequestPayload({
      serial: certificate.summary.serialNumber,
      iin,
      csrSha256: { auth: await hashOf('auth'), sign: await hashOf('sign') },
      supersedeNow: input.supersedeNow,
      time: new Date(),
    })
    const cms = await keystore.signCms(certificate.containerId, certificate.keyId, payload, { certificateId: certificate.id })
    const renewal: RenewalSubmission = {
      serial: certificate.summary.serialNumber,
      iin,
      requests: body.requests,
      cms: toBase64(cms),
      supersedeNow: input.supersedeNow,
      language: input.language,
    }
    return { body, draft: { ...draft, renewalOf: certificate.summary.serialNumber }, renewal }
  } finally {
    if (!wasUnlocked) keystore.lockContainer(certificate.containerId)
  }
}
