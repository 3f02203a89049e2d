/**
 * Renewing one of this device's certificate pairs online, authorised by its current signing key:
 * the container password is checked by unlocking, two new keys and requests are made in a new
 * container of the same kind (browser container or key files, with the same password), and the
 * renewal request (src/core/renewal-wire.ts: the old serial, the new CSRs' hashes, the holder's
 * choice about the old pair) is signed as CMS by the OLD signing key. The caller puts the result
 * in the outbox (src/stores/applications.ts), so a closed browser loses nothing; installation is
 * the usual one (src/flows/install.ts). On a hardware token (prepareTokenRenewal) the PIN does the
 * same through our agent: the new keys are made on the same token, and the token's current
 * signing key signs.
 */
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import { fromBase64, toBase64 } from '@/core/bytes.ts'
import { renewalRequestPayload } from '@/core/renewal-wire.ts'
import { sha256Hex, type ApplicantSummary, type ApplicationDraft, type RenewalSubmission, type SubmissionBody } from '@/api/index.ts'
import type { Keystore } from '@/keystore/index.ts'
import type { CertificateView } from '@/keystore/views.ts'
import type { Signer } from '@/core/signer.ts'
import { makeKeysAndRequests, tokenObjectLabel, type GenerationPhase } from './key-requests.ts'
import type { TokenCertificateView } from './token-certificates.ts'

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

type Prepared = { body: SubmissionBody; draft: ApplicationDraft; renewal: RenewalSubmission }

/** The signed renewal request over the new CSRs of `body`, for the certificate `serial`. */
async function renewalPayload(body: SubmissionBody, serial: string, iin: string, supersedeNow: boolean): Promise<Uint8Array> {
  const hashOf = async (purpose: 'auth' | 'sign') => sha256Hex(fromBase64(body.requests.find((r) => r.purpose === purpose)!.csr))
  return renewalRequestPayload({ serial, iin, csrSha256: { auth: await hashOf('auth'), sign: await hashOf('sign') }, supersedeNow, time: new Date() })
}

function prepared(body: SubmissionBody, draft: ApplicationDraft, serial: string, iin: string, cms: Uint8Array, o: { supersedeNow: boolean; language: 'kk' | 'ru' | 'en' }): Prepared {
  const renewal: RenewalSubmission = { serial, iin, requests: body.requests, cms: toBase64(cms), supersedeNow: o.supersedeNow, language: o.language }
  return { body, draft: { ...draft, renewalOf: serial }, renewal }
}

/** What a renewal on a hardware token needs: our agent, the token's signing certificate, its PIN. */
export interface TokenRenewalInput {
  /** Our agent's signer (generateKeyAndCsr and signCms on the token). */
  readonly signer: Signer
  readonly certificate: Pick<TokenCertificateView, 'id' | 'storageId' | 'serial' | 'keyAlgorithm'>
  readonly applicant: ApplicantSummary
  readonly pin: string
  readonly supersedeNow: boolean
  readonly language: 'kk' | 'ru' | 'en'
  readonly onPhase: (phase: GenerationPhase) => void
}

/**
 * Makes two new keys and requests on the certificate's own token and signs the renewal with the
 * token's current signing key (both with the PIN, through the agent); nothing is sent here.
 * A wrong PIN stops at the first key (ERR_WRONG_PIN with attemptsLeft from the agent).
 */
export async function prepareTokenRenewal(input: TokenRenewalInput): Promise<Prepared> {
  const { certificate, signer } = input
  const iin = input.applicant.iin
  const algorithm = certificate.keyAlgorithm === 'RSA' ? 'RSA-2048' : 'P-256'
  const { body, draft } = await makeKeysAndRequests(
    { draft: { applicant: input.applicant }, storage: 'token', algorithm, onPhase: input.onPhase },
    { signer, storageId: certificate.storageId, secret: input.pin, label: (p) => tokenObjectLabel(p, iin) },
  )
  const data = await renewalPayload(body, certificate.serial, iin, input.supersedeNow)
  const { cms } = await signer.signCms({ data, detached: false, certificateId: certificate.id, storageId: certificate.storageId, secret: input.pin, locale: input.language })
  return prepared(body, draft, certificate.serial, iin, cms, input)
}

/** Makes the new keys and the signed renewal; nothing is sent here. */
export async function prepareRenewal(input: RenewalInput): Promise<Prepared> {
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
    const payload = await renewalPayload(body, certificate.summary.serialNumber, iin, input.supersedeNow)
    const cms = await keystore.signCms(certificate.containerId, certificate.keyId, payload, { certificateId: certificate.id })
    return prepared(body, draft, certificate.summary.serialNumber, iin, cms, input)
  } finally {
    if (!wasUnlocked) keystore.lockContainer(certificate.containerId)
  }
}
