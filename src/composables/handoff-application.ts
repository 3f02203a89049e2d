/**
 * The phone's answer to a kiosk's application (kind "application", issue 17): both key pairs are
 * made here, in a new container of this browser under the password set on this phone, each with
 * its CSR (proof of possession); the server submits the application with them and answers with
 * its number and access code, and this device remembers the application with its keys, so the
 * certificates are installed here once issued. The kiosk never holds a key. The CSRs are kept
 * until they are sent: a retry after a network failure sends the same keys (the server answers
 * with the same application) instead of making new ones. A refusal ends the hand-off (the kiosk
 * is told why); a new QR code from the kiosk is a new hand-off, for which new keys are made.
 *
 * Where this phone already holds the applicant's signing certificate, it may sign the application
 * too (the hand-off, the kiosk's origin, the IIN and the new requests' hashes), as a renewal
 * request is signed; the Registration Center records which certificate vouched for it.
 */
import { computed, ref, shallowRef } from 'vue'
import { createHandoffClient, type HandoffApplication, type HandoffApplicationResult } from '@/api/handoff-client.ts'
import { rootFingerprint, sha256Hex, type ApplicationDraft, type SubmissionBody } from '@/api/index.ts'
import { fromBase64 } from '@/core/bytes.ts'
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import { applicationSignaturePayload } from '@/core/handoff-application-wire.ts'
import { useApplicationsStore } from '@/stores/applications.ts'
import { useContainersStore } from '@/stores/containers.ts'
import { prepareKeysAndRequests, type GenerationPhase } from '@/stores/request-keys.ts'
import type { useHandoffAnswer } from './handoff-answer.ts'

type Answer = ReturnType<typeof useHandoffAnswer>['answer']

/** A certificate of this device that signs the application too, and its container's password. */
export interface HolderChoice {
  readonly certificateId: string
  readonly containerId: string
  readonly password?: string
}

/** The applicant of a handed-off application, as this device records it. */
function applicantOf(a: HandoffApplication): ApplicationDraft['applicant'] {
  return {
    kind: a.kind,
    profile: a.profile,
    iin: a.iin,
    surname: a.surname,
    name: a.name,
    patronymic: a.patronymic,
    email: a.email,
    bin: a.bin,
    organization: a.organization,
    region: a.region,
    ...(a.center ? { center: a.center } : {}),
  }
}

export function useHandoffApplication(answer: Answer) {
  const client = createHandoffClient()
  const applications = useApplicationsStore()
  const containers = useContainersStore()
  /** Where key making stands (the same phases as the wizard's progress list). */
  const progress = ref<GenerationPhase | null>(null)
  const result = shallowRef<HandoffApplicationResult | null>(null)
  /** The keys and requests made for one hand-off (`handoffId`): resent after a lost response, never to another hand-off. */
  let prepared: { body: SubmissionBody; draft: ApplicationDraft; handoffId: string } | null = null

  /** Valid signing certificates of `iin` with their key on this device (the second path). */
  const signingCertificates = computed(() =>
    containers.containers.flatMap((c) =>
      c.certificates
        .filter((x) => x.keyId && x.summary.purposes.includes('sign') && x.summary.notAfter > Date.now() && !x.revokedAt)
        .map((x) => ({ id: x.id, containerId: c.id, iin: x.summary.iin, locked: !c.unlocked, label: x.summary.commonName ?? x.summary.subjectName })),
    ),
  )
  const holderOptions = (iin: string) => signingCertificates.value.filter((o) => o.iin === iin)

  /** The holder's attached CMS over this application with these requests. */
  async function holderSignature(handoffId: string, origin: string, iin: string, requests: SubmissionBody['requests'], holder: HolderChoice): Promise<Uint8Array> {
    const hash = async (purpose: 'auth' | 'sign') => sha256Hex(fromBase64(requests.find((r) => r.purpose === purpose)!.csr))
    const payload = applicationSignaturePayload({ handoffId, origin, iin, csrSha256: { auth: await hash('auth'), sign: await hash('sign') } })
    const signer = await containers.useSigner()
    const { cms } = await signer.signCms({ certificateId: holder.certificateId, storageId: holder.containerId, ...(holder.password ? { secret: holder.password } : {}), data: payload, detached: false })
    return cms
  }

  /**
   * Makes the keys (once) and sends their CSRs; `password` protects the new container. With
   * `holder`, that certificate signs the application too.
   */
  async function makeKeysAndSend(password: string, containerName: string, holder?: HolderChoice): Promise<void> {
    await answer(async (link, request) => {
      const a = request.application
      if (!a) throw new QoltanbaError(ErrorCode.Validation, 'This hand-off holds no application')
      // A refused answer ends its hand-off: the retry is a new QR code, and new keys for it.
      if (prepared?.handoffId !== link.id) {
        const caRootSha256 = await rootFingerprint(applications.client).catch(() => undefined)
        const made = await prepareKeysAndRequests({
          draft: { applicant: applicantOf(a) },
          caRootSha256,
          storage: 'browser',
          algorithm: a.algorithm,
          password,
          containerName,
          onPhase: (p) => (progress.value = p),
        })
        prepared = { ...made, handoffId: link.id }
      }
      const cms = holder ? await holderSignature(link.id, request.requester.origin, a.iin, prepared.body.requests, holder) : undefined
      progress.value = 'sending'
      const r = await client.answerApplication(link, prepared.body.requests, cms)
      await applications.recordSubmitted({ ...prepared.draft, number: r.number, accessCode: r.accessCode, submissionId: `handoff-${link.id}`, submittedAt: Date.now() })
      void containers.refresh()
      result.value = r
    })
  }

  return { progress, result, holderOptions, makeKeysAndSend }
}
