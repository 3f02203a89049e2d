/**
 * The phone's answer to a kiosk's application (kind "application", issue 17): both key pairs are
 * made here, in a new container of this browser under the password set on this phone, each with
 * its CSR (proof of possession); the server submits the application with them and answers with
 * its number and access code, and this device remembers the application with its keys, so the
 * certificates are installed here once issued. The kiosk never holds a key. The CSRs are kept
 * until they are sent: a retry after a network failure sends the same keys (the server answers
 * with the same application) instead of making new ones.
 */
import { ref, shallowRef } from 'vue'
import { createHandoffClient, type HandoffApplication, type HandoffApplicationResult } from '@/api/handoff-client.ts'
import { rootFingerprint, type ApplicationDraft, type SubmissionBody } from '@/api/index.ts'
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import { useApplicationsStore } from '@/stores/applications.ts'
import { useContainersStore } from '@/stores/containers.ts'
import { prepareKeysAndRequests, type GenerationPhase } from '@/stores/request-keys.ts'
import type { useHandoffAnswer } from './handoff-answer.ts'

type Answer = ReturnType<typeof useHandoffAnswer>['answer']

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
  let prepared: { body: SubmissionBody; draft: ApplicationDraft } | null = null

  /** Makes the keys (once) and sends their CSRs; `password` protects the new container. */
  async function makeKeysAndSend(password: string, containerName: string): Promise<void> {
    await answer(async (link, request) => {
      const a = request.application
      if (!a) throw new QoltanbaError(ErrorCode.Validation, 'This hand-off holds no application')
      if (!prepared) {
        const caRootSha256 = await rootFingerprint(applications.client).catch(() => undefined)
        prepared = await prepareKeysAndRequests({
          draft: { applicant: applicantOf(a) },
          caRootSha256,
          storage: 'browser',
          algorithm: a.algorithm,
          password,
          containerName,
          onPhase: (p) => (progress.value = p),
        })
      }
      progress.value = 'sending'
      const r = await client.answerApplication(link, prepared.body.requests)
      await applications.recordSubmitted({ ...prepared.draft, number: r.number, accessCode: r.accessCode, submissionId: `handoff-${link.id}`, submittedAt: Date.now() })
      void containers.refresh()
      result.value = r
    })
  }

  return { progress, result, makeKeysAndSend }
}
