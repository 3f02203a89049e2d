/**
 * Making an application's keys and requests, once for every place keys can live: two key pairs
 * like NCA (authentication and signing), each made by the {@link Signer} with its own PKCS#10
 * signed by that key (proof of possession), so the private key never leaves the signer. The
 * browser keystore (browser and key-file storage: a new encrypted container) and a hardware token
 * of our local agent are the same path; the caller picks the signer (src/stores/request-keys.ts).
 */
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import type { ApplicationDraft, SubmissionBody } from '@/api/index.ts'
import { toBase64 } from '@/core/bytes.ts'
import type { KeyAlgorithmName, Signer } from '@/core/signer.ts'

/** What the progress display shows, in order. */
export type GenerationPhase = 'auth_key' | 'sign_key' | 'requests' | 'sending'

/** The purpose of one of the two keys. */
export type KeyPurpose = 'auth' | 'sign'

/** The answers key generation needs. */
export interface KeyRequestInput {
  readonly draft: Omit<ApplicationDraft, 'keys' | 'preparedAt' | 'caRootSha256'>
  /** The CA root's SHA-256 seen now (see src/api/ca-root.ts). */
  readonly caRootSha256?: string | undefined
  readonly storage: 'browser' | 'file' | 'token'
  readonly algorithm: KeyAlgorithmName
  readonly onPhase: (phase: GenerationPhase) => void
}

/** Where the keys are made. */
export interface KeyTarget {
  readonly signer: Signer
  /** The token to use; absent for the keystore, which makes a new container for the first key. */
  readonly storageId?: string
  /** Token PIN or the new container's password; used for these calls only. */
  readonly secret: string
  /** Label stored with each key (token CKA_LABEL; the keystore names the new container with the first). */
  readonly label: (purpose: KeyPurpose) => string
}

const EKU = { auth: '1.3.6.1.5.5.7.3.2', sign: '1.3.6.1.5.5.7.3.4' } as const
// The server writes the profile's extensions into the certificate; the request only asks.
const KEY_USAGE = {
  auth: { RSA: ['digitalSignature', 'keyEncipherment'], EC: ['digitalSignature', 'keyAgreement'] },
  sign: { RSA: ['digitalSignature', 'nonRepudiation'], EC: ['digitalSignature', 'nonRepudiation'] },
} as const

/**
 * Label of a key or certificate on a token, so the user can tell them apart, e.g.
 * "AUTH IIN900101300017". ASCII only: token labels (CKA_LABEL) are printable ASCII in the agent.
 */
export function tokenObjectLabel(purpose: KeyPurpose, iin: string): string {
  return `${purpose === 'auth' ? 'AUTH' : 'SIGN'} IIN${iin}`
}

/**
 * Makes both key pairs and requests; returns the submission body and the draft to keep.
 * @throws QoltanbaError from the signer (ERR_WRONG_PIN with attemptsLeft, ERR_TOKEN_MISSING, …);
 *   ERR_NOT_SUPPORTED when the signer cannot generate keys.
 */
export async function makeKeysAndRequests(input: KeyRequestInput, target: KeyTarget): Promise<{ body: SubmissionBody; draft: ApplicationDraft }> {
  if (!target.signer.capabilities.has('generateKeyAndCsr')) {
    throw new QoltanbaError(ErrorCode.NotSupported, 'This signer cannot generate keys')
  }
  const a = input.draft.applicant
  const subject = {
    commonName: `${a.surname} ${a.name}`,
    surname: a.surname,
    serialNumber: `IIN${a.iin}`,
    country: 'KZ',
    ...(a.patronymic ? { givenName: a.patronymic } : {}),
    ...(a.organization ? { organization: a.organization } : {}),
    ...(a.bin ? { organizationalUnit: `BIN${a.bin}` } : {}),
  }
  const family = input.algorithm === 'P-256' ? 'EC' : 'RSA'
  const make = (purpose: KeyPurpose, storageId: string | undefined) =>
    target.signer.generateKeyAndCsr({
      ...(storageId ? { storageId } : {}),
      secret: target.secret,
      algorithm: input.algorithm,
      subject,
      keyUsage: [...KEY_USAGE[purpose][family]],
      extKeyUsage: [EKU[purpose]],
      label: target.label(purpose),
      ...(a.email ? { email: a.email } : {}),
    })
  // One after the other: a token does one operation at a time (and a wrong PIN stops at once);
  // the second key goes where the first went (the keystore's new container).
  input.onPhase('auth_key')
  const auth = await make('auth', target.storageId)
  input.onPhase('sign_key')
  const sign = await make('sign', auth.storageId)
  input.onPhase('requests')
  const body: SubmissionBody = {
    profile: a.profile,
    iin: a.iin,
    ...(a.bin ? { bin: a.bin } : {}),
    ...(a.organization ? { organization: a.organization } : {}),
    ...(a.email ? { email: a.email } : {}),
    region: a.region,
    ...(a.center ? { registrationCenterId: a.center.id } : {}),
    storage: input.storage,
    requests: [
      { purpose: 'auth', csr: toBase64(auth.csr) },
      { purpose: 'sign', csr: toBase64(sign.csr) },
    ],
  }
  // A token is recorded by its id (the agent finds it again); a container by the one just made.
  const where = input.storage === 'token' ? { tokenId: target.storageId ?? auth.storageId } : { containerId: auth.storageId }
  const draft: ApplicationDraft = {
    ...input.draft,
    keys: { storage: input.storage, algorithm: input.algorithm, ...where, keyIds: { auth: auth.keyId, sign: sign.keyId } },
    preparedAt: Date.now(),
    ...(input.caRootSha256 ? { caRootSha256: input.caRootSha256 } : {}),
  }
  return { body, draft }
}
