/**
 * The wizard's key step: picks where the keys are made — this device's keystore (browser and
 * key-file storage: a new container with the wizard's password) or the token chosen in the
 * storage step (our local agent, with the token's PIN) — and runs the one flow
 * (src/flows/key-requests.ts). The token's PIN is forgotten once the keys exist.
 * Loads the keystore and the agent lazily: never part of the first paint.
 */
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import type { ApplicationDraft, SubmissionBody } from '@/api/index.ts'
import { makeKeysAndRequests, tokenObjectLabel, type KeyRequestInput, type KeyTarget } from '@/flows/key-requests.ts'
import { useContainersStore } from './containers.ts'

export type { GenerationPhase } from '@/flows/key-requests.ts'

/** The answers key generation needs, and what the wizard asked for the storage. */
export interface WizardKeyInput extends KeyRequestInput {
  /** The new container's password (browser and key-file storage). */
  readonly password: string
  /** Name of the new container ("SURNAME NAME — application"). */
  readonly containerName: string
}

/** Generates both key pairs and requests; returns the submission body and the draft to keep. */
export async function prepareKeysAndRequests(input: WizardKeyInput): Promise<{ body: SubmissionBody; draft: ApplicationDraft }> {
  if (input.storage !== 'token') {
    const signer = await useContainersStore().useSigner()
    return makeKeysAndRequests(input, { signer, secret: input.password, label: () => input.containerName })
  }
  const [{ useAgentsStore }, { useTokenChoiceStore }] = await Promise.all([import('./agents.ts'), import('./token-choice.ts')])
  const choice = useTokenChoiceStore()
  if (!choice.storageId) throw new QoltanbaError(ErrorCode.TokenMissing, 'No token was chosen')
  const iin = input.draft.applicant.iin
  const target: KeyTarget = { signer: useAgentsStore().agentSigner(), storageId: choice.storageId, secret: choice.pin, label: (p) => tokenObjectLabel(p, iin) }
  const made = await makeKeysAndRequests(input, target)
  // Kept after a failure so Retry works; gone once the keys exist.
  choice.forgetPin()
  return made
}
