/**
 * Making an application's keys and requests: two key pairs like NCA (authentication and
 * signing), each with its own PKCS#10 signed by that key (proof of possession). Browser and
 * key-file storage both keep the keys encrypted in a browser container until installation; the
 * hardware-token branch belongs to the agents (see {@link generateOnToken}).
 * Loads pkijs and the keystore lazily: never part of the first paint.
 */
import type { ApplicationDraft, SubmissionBody } from '@/api/index.ts'
import type { Keystore } from '@/keystore/index.ts'
import type { KeyChoice } from './request-wizard.ts'

/** What the progress display shows, in order. */
export type GenerationPhase = 'auth_key' | 'sign_key' | 'requests' | 'sending'

/** The answers key generation needs. */
export interface KeyRequestInput {
  readonly draft: Omit<ApplicationDraft, 'keys' | 'preparedAt' | 'caRootSha256'>
  /** The CA root's SHA-256 seen now (see src/api/ca-root.ts). */
  readonly caRootSha256?: string | undefined
  readonly storage: 'browser' | 'file' | 'token'
  readonly algorithm: KeyChoice
  readonly password: string
  /** Name of the new container ("SURNAME NAME — application"). */
  readonly containerName: string
  readonly keystore: () => Promise<Keystore>
  readonly onPhase: (phase: GenerationPhase) => void
}

const EKU = { auth: '1.3.6.1.5.5.7.3.2', sign: '1.3.6.1.5.5.7.3.4' } as const
// The server writes the profile's extensions into the certificate; the request only asks.
const KEY_USAGE = {
  auth: { RSA: ['digitalSignature', 'keyEncipherment'], EC: ['digitalSignature', 'keyAgreement'] },
  sign: { RSA: ['digitalSignature', 'nonRepudiation'], EC: ['digitalSignature', 'nonRepudiation'] },
} as const

/**
 * Generates both key pairs and requests; returns the submission body and the draft to keep.
 */
export async function prepareKeysAndRequests(input: KeyRequestInput): Promise<{ body: SubmissionBody; draft: ApplicationDraft }> {
  if (input.storage === 'token') return generateOnToken(input)
  const [pki, keystore] = await Promise.all([import('@/pki/index.ts'), input.keystore()])
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

  input.onPhase('auth_key')
  const created = await keystore.createContainer({ name: input.containerName, password: input.password, algorithm: input.algorithm })
  const containerId = created.container.id
  input.onPhase('sign_key')
  const added = await keystore.addKey(containerId, input.password, input.algorithm)

  input.onPhase('requests')
  const csr = (purpose: 'auth' | 'sign', keys: CryptoKeyPair) =>
    pki.createCsr({
      subject,
      keys,
      keyUsage: [...KEY_USAGE[purpose][family]],
      extKeyUsage: [EKU[purpose]],
      ...(a.email ? { email: a.email } : {}),
    })
  const [authCsr, signCsr] = await Promise.all([csr('auth', created.keyPair), csr('sign', added.keyPair)])
  const body: SubmissionBody = {
    profile: a.profile,
    iin: a.iin,
    ...(a.bin ? { bin: a.bin } : {}),
    ...(a.organization ? { organization: a.organization } : {}),
    ...(a.email ? { email: a.email } : {}),
    region: a.region,
    storage: input.storage,
    requests: [
      { purpose: 'auth', csr: pki.toBase64(authCsr) },
      { purpose: 'sign', csr: pki.toBase64(signCsr) },
    ],
  }
  const draft: ApplicationDraft = {
    ...input.draft,
    keys: { storage: input.storage, algorithm: input.algorithm, containerId, keyIds: { auth: created.key.id, sign: added.key.id } },
    preparedAt: Date.now(),
    ...(input.caRootSha256 ? { caRootSha256: input.caRootSha256 } : {}),
  }
  return { body, draft }
}

/**
 * Hardware token: both keys and requests made on the token chosen in the storage step, by our
 * local agent (src/stores/token-keys.ts).
 */
export async function generateOnToken(input: KeyRequestInput): Promise<{ body: SubmissionBody; draft: ApplicationDraft }> {
  return (await import('./token-keys.ts')).generateOnTokenFromStores(input)
}
