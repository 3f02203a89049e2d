/**
 * The wizard's "Hardware token" branch: both key pairs (authentication and signing) are made ON
 * the chosen token by our local agent, each with a PKCS#10 the token signs, so the private keys
 * never exist outside it. The application then records storage 'token' and the token's key ids.
 */
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import type { ApplicationDraft, SubmissionBody } from '@/api/index.ts'
import { toBase64 } from '@/agents/bytes.ts'
import type { Signer } from '@/agents/signer.ts'
import type { KeyRequestInput } from './request-keys.ts'

const EKU = { auth: '1.3.6.1.5.5.7.3.2', sign: '1.3.6.1.5.5.7.3.4' } as const
const KEY_USAGE = {
  auth: { RSA: ['digitalSignature', 'keyEncipherment'], EC: ['digitalSignature', 'keyAgreement'] },
  sign: { RSA: ['digitalSignature', 'nonRepudiation'], EC: ['digitalSignature', 'nonRepudiation'] },
} as const

/** Where to make the keys: the agent's signer, the token, its PIN (used for these calls only). */
export interface TokenTarget {
  readonly signer: Signer
  readonly storageId: string
  readonly pin: string
}

/**
 * Label of a key or certificate on the token, so the user can tell them apart, e.g.
 * "AUTH IIN900101300017". ASCII only: token labels (CKA_LABEL) are printable ASCII in the agent.
 */
export function tokenObjectLabel(purpose: 'auth' | 'sign', iin: string): string {
  return `${purpose === 'auth' ? 'AUTH' : 'SIGN'} IIN${iin}`
}

/**
 * Generates the two key pairs and requests on the token; returns the submission body and draft.
 * @throws QoltanbaError from the agent (ERR_WRONG_PIN with attemptsLeft, ERR_TOKEN_MISSING, …).
 */
export async function generateOnTokenWith(
  input: KeyRequestInput,
  target: TokenTarget,
): Promise<{ body: SubmissionBody; draft: ApplicationDraft }> {
  if (!target.signer.capabilities.has('generateKeyAndCsr')) {
    throw new QoltanbaError(ErrorCode.NotSupported, 'This signer cannot generate keys')
  }
  const a = input.draft.applicant
  const commonName = `${a.surname} ${a.name}`
  const subject = {
    commonName,
    surname: a.surname,
    serialNumber: `IIN${a.iin}`,
    country: 'KZ',
    ...(a.patronymic ? { givenName: a.patronymic } : {}),
    ...(a.organization ? { organization: a.organization } : {}),
    ...(a.bin ? { organizationalUnit: `BIN${a.bin}` } : {}),
  }
  const family = input.algorithm === 'P-256' ? 'EC' : 'RSA'
  const make = (purpose: 'auth' | 'sign') =>
    target.signer.generateKeyAndCsr({
      storageId: target.storageId,
      secret: target.pin,
      algorithm: input.algorithm,
      subject,
      keyUsage: [...KEY_USAGE[purpose][family]],
      extKeyUsage: [EKU[purpose]],
      label: tokenObjectLabel(purpose, a.iin),
      ...(a.email ? { email: a.email } : {}),
    })
  // One after the other: a token does one operation at a time (and a wrong PIN stops at once).
  input.onPhase('auth_key')
  const auth = await make('auth')
  input.onPhase('sign_key')
  const sign = await make('sign')
  input.onPhase('requests')
  const body: SubmissionBody = {
    profile: a.profile,
    iin: a.iin,
    ...(a.bin ? { bin: a.bin } : {}),
    ...(a.organization ? { organization: a.organization } : {}),
    ...(a.email ? { email: a.email } : {}),
    region: a.region,
    storage: 'token',
    requests: [
      { purpose: 'auth', csr: toBase64(auth.csr) },
      { purpose: 'sign', csr: toBase64(sign.csr) },
    ],
  }
  const draft: ApplicationDraft = {
    ...input.draft,
    keys: { storage: 'token', algorithm: input.algorithm, tokenId: target.storageId, keyIds: { auth: auth.keyId, sign: sign.keyId } },
    preparedAt: Date.now(),
    ...(input.caRootSha256 ? { caRootSha256: input.caRootSha256 } : {}),
  }
  return { body, draft }
}

/**
 * The wizard's entry: the agent and token chosen in the storage step (stores); the PIN is
 * forgotten once the keys exist.
 */
export async function generateOnTokenFromStores(input: KeyRequestInput): Promise<{ body: SubmissionBody; draft: ApplicationDraft }> {
  const [{ useAgentsStore }, { useTokenChoiceStore }] = await Promise.all([import('./agents.ts'), import('./token-choice.ts')])
  const choice = useTokenChoiceStore()
  if (!choice.storageId) throw new QoltanbaError(ErrorCode.TokenMissing, 'No token was chosen')
  const made = await generateOnTokenWith(input, { signer: useAgentsStore().agentSigner(), storageId: choice.storageId, pin: choice.pin })
  // Kept after a failure so Retry works; gone once the keys exist.
  choice.forgetPin()
  return made
}
