/**
 * The "Get a certificate" wizard: the answers given so far, which steps exist, and the result of
 * the submission. The container password is held here only until the keys are made.
 * `$reset()` forgets everything (a new application, or a kiosk session end).
 */
import { computed, ref, shallowRef } from 'vue'
import { acceptHMRUpdate, defineStore } from 'pinia'
import type { ApplicantSummary, KeyStorage, PersonView } from '@/api/index.ts'
import type { RegistrationCenter } from '@/core/centers-wire.ts'

/** Question steps in order; `check` (check your answers) follows them. */
export const REQUEST_STEPS = ['kind', 'terms', 'iin', 'email', 'region', 'storage', 'key-type'] as const
export type RequestStep = (typeof REQUEST_STEPS)[number] | 'check' | 'generate' | 'done'

/**
 * Where the keys will live: the server's storages, or — on a kiosk — `phone`: the applicant's
 * own phone makes and keeps them through a hand-off (components/request/RequestPhoneKeys.vue).
 */
export type WizardStorage = KeyStorage | 'phone'

/** Key algorithms offered (RSA-2048 default; ECDSA P-256 faster, modern). */
export type KeyChoice = 'RSA-2048' | 'P-256'

export const useRequestWizardStore = defineStore('request-wizard', () => {
  /** Individual or legal entity. */
  const kind = ref<'individual' | 'legal_entity' | null>(null)
  /** Legal entity: BIN, organization name, and the profile id of the role. */
  const bin = ref('')
  const organization = ref('')
  const legalProfile = ref('')
  const termsAccepted = ref(false)
  const iin = ref('')
  /** Name from the person registry for `iin` (read-only in the UI). */
  const person = ref<PersonView | null>(null)
  const email = ref('')
  const region = ref('')
  /** The registration center chosen in `region` (a copy: the application keeps what the applicant saw). */
  const center = shallowRef<RegistrationCenter | null>(null)
  const storage = ref<WizardStorage | null>(null)
  /** Container password (browser and file storage); never persisted. */
  const password = ref('')
  const algorithm = ref<KeyChoice>('RSA-2048')
  /** The user came to a step from "Check your answers" (Continue returns there). */
  const changing = ref(false)
  /** Outbox id of the submitted application (the confirmation page reads the rest from the store). */
  const submissionId = ref<string | null>(null)
  /** Hook for the hardware-token branch: storage id chosen on the agent's token. */
  const tokenStorageId = shallowRef<string | null>(null)

  /** The profile id sent to the server. */
  const profile = computed(() => (kind.value === 'legal_entity' ? legalProfile.value : 'individual'))

  /** 1-based number of a question step, for "Step N of M". */
  function stepNumber(step: RequestStep): number {
    return (REQUEST_STEPS as readonly string[]).indexOf(step) + 1
  }

  /** The step after `step` (or the check page when changing an answer). */
  function nextStep(step: RequestStep): RequestStep {
    if (changing.value) return 'check'
    const i = (REQUEST_STEPS as readonly string[]).indexOf(step)
    return i >= 0 && i < REQUEST_STEPS.length - 1 ? REQUEST_STEPS[i + 1]! : 'check'
  }

  /** The step before `step` (null on the first). */
  function previousStep(step: RequestStep): RequestStep | null {
    if (step === 'check') return REQUEST_STEPS[REQUEST_STEPS.length - 1]!
    const i = (REQUEST_STEPS as readonly string[]).indexOf(step)
    return i > 0 ? REQUEST_STEPS[i - 1]! : null
  }

  /** The first step whose answer is missing (guards deep links), or null when all are given. */
  function firstMissing(): RequestStep | null {
    if (!kind.value || (kind.value === 'legal_entity' && (!bin.value || !organization.value || !legalProfile.value))) return 'kind'
    if (!termsAccepted.value) return 'terms'
    if (!iin.value || !person.value) return 'iin'
    if (!region.value || !center.value || center.value.region !== region.value) return 'region'
    if (!storage.value || (storage.value !== 'token' && storage.value !== 'phone' && !password.value)) return 'storage'
    return null
  }

  /** The applicant as answered (null before the IIN was checked), for the application's record. */
  function applicantSummary(): ApplicantSummary | null {
    const p = person.value
    if (!p) return null
    return {
      kind: kind.value ?? 'individual',
      profile: profile.value,
      iin: iin.value,
      surname: p.surname,
      name: p.name,
      patronymic: p.patronymic,
      email: email.value || null,
      bin: kind.value === 'legal_entity' ? bin.value : null,
      organization: kind.value === 'legal_entity' ? organization.value : null,
      region: region.value,
      ...(center.value ? { center: center.value } : {}),
    }
  }

  /** Forgets the password once the keys are encrypted with it. */
  function forgetPassword(): void {
    password.value = ''
  }

  function $reset(): void {
    kind.value = null
    bin.value = ''
    organization.value = ''
    legalProfile.value = ''
    termsAccepted.value = false
    iin.value = ''
    person.value = null
    email.value = ''
    region.value = ''
    center.value = null
    storage.value = null
    password.value = ''
    algorithm.value = 'RSA-2048'
    changing.value = false
    submissionId.value = null
    tokenStorageId.value = null
  }

  return {
    kind,
    bin,
    organization,
    legalProfile,
    termsAccepted,
    iin,
    person,
    email,
    region,
    center,
    storage,
    password,
    algorithm,
    changing,
    submissionId,
    tokenStorageId,
    profile,
    stepNumber,
    nextStep,
    previousStep,
    firstMissing,
    applicantSummary,
    forgetPassword,
    $reset,
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useRequestWizardStore, import.meta.hot))
