/**
 * The Renew action behind "My certificates": finds the signing certificate and what this device
 * knows of its application (applicant, storage kind), runs the renewal flow
 * (src/flows/renewal.ts) and hands the result to the outbox, which sends it now or when the
 * network returns. Loads the keystore lazily: never part of the first paint.
 */
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import type { ApplicantSummary, ApplicationRecord, OutboxRecord } from '@/api/index.ts'
import type { CertificateView } from '@/keystore/views.ts'
import type { GenerationPhase } from '@/flows/key-requests.ts'
import type { TokenCertificateView } from '@/flows/token-certificates.ts'
import { useApplicationsStore } from './applications.ts'
import { useContainersStore } from './containers.ts'
import { useAgentsStore } from './agents.ts'

/** Days before the end when Renew is offered (the server's default RENEWAL_WINDOW_DAYS). */
export const RENEWAL_WINDOW_DAYS = 60
const DAY = 86_400_000

/**
 * The signing certificate that renews the pair of `serial` on this device (a reminder may name
 * either certificate of the pair: an authentication one leads to the signing one beside it).
 */
export function renewableCertificate(certificates: readonly CertificateView[], serial: string, now = Date.now()): CertificateView | undefined {
  const own = certificates.filter((x) => x.keyId)
  const named = own.find((x) => x.summary.serialNumber === serial.toLowerCase())
  if (!named) return undefined
  const pair = own.filter((x) => x.containerId === named.containerId)
  const signing = (x: CertificateView) => x.summary.purposes.includes('sign') && !x.summary.purposes.includes('auth')
  const c = signing(named) ? named : (pair.find(signing) ?? pair.find((x) => x.summary.purposes.includes('sign')))
  if (!c || c.revokedAt || c.summary.notAfter <= now) return undefined
  return c
}

/** Whether `c` is inside the renewal window now (valid, not revoked here, ends within 60 days). */
export function inRenewalWindow(c: CertificateView, now = Date.now()): boolean {
  return !c.revokedAt && c.summary.notAfter > now && c.summary.notAfter - now <= RENEWAL_WINDOW_DAYS * DAY
}

/**
 * Where the new keys go: as the old application's keys went when this device made them; for an
 * imported container (a .p12 key file opened here) new key files, as the holder keeps keys now.
 */
export function renewalStorage(applicationStorage: string | undefined, containerSource: 'generated' | 'imported' | undefined): 'browser' | 'file' {
  if (applicationStorage) return applicationStorage === 'file' ? 'file' : 'browser'
  return containerSource === 'imported' ? 'file' : 'browser'
}

export interface RenewOptions {
  readonly password: string
  readonly supersedeNow: boolean
  readonly language: 'kk' | 'ru' | 'en'
  readonly onPhase: (phase: GenerationPhase) => void
}

/**
 * The applicant as the certificate names them, when this device has no record of the old
 * application (the server takes everything from that application; this is only what is shown).
 */
function applicantOf(s: { iin?: string; bin?: string; commonName?: string; organization?: string }): ApplicantSummary {
  if (!s.iin) throw new QoltanbaError(ErrorCode.Validation, 'the certificate names no IIN')
  const [surname = '', name = ''] = (s.commonName ?? '').split(' ')
  return {
    kind: s.bin ? 'legal_entity' : 'individual',
    profile: s.bin ? 'legal_entity' : 'individual',
    iin: s.iin,
    surname,
    name,
    patronymic: null,
    email: null,
    bin: s.bin ?? null,
    organization: s.organization ?? null,
    region: '',
  }
}

/** Renews the pair of `certificate`; resolves with the accepted application or the waiting outbox item. */
export async function renewCertificate(certificate: CertificateView, options: RenewOptions): Promise<{ sent?: ApplicationRecord; item: OutboxRecord }> {
  const containers = useContainersStore()
  const applications = useApplicationsStore()
  await applications.refresh()
  const old = applications.applications.find((a) => a.keys.containerId === certificate.containerId)
  const applicant = old?.applicant ?? applicantOf(certificate.summary)
  const storage = renewalStorage(old?.keys.storage, containers.containers.find((c) => c.id === certificate.containerId)?.source)
  const [{ prepareRenewal }, keystore, signer] = await Promise.all([import('@/flows/renewal.ts'), containers.useKeystore(), containers.useSigner()])
  const { body, draft, renewal } = await prepareRenewal({
    keystore,
    signer,
    certificate,
    applicant,
    storage,
    password: options.password,
    containerName: `${applicant.surname} ${applicant.name}`.trim(),
    supersedeNow: options.supersedeNow,
    language: options.language,
    onPhase: options.onPhase,
  })
  const result = await applications.submit(body, draft, renewal)
  await containers.refresh()
  return result
}

/** The signing certificate on a token that renews the pair of `serial` (see renewableCertificate). */
export function renewableTokenCertificate(certificates: readonly TokenCertificateView[], serial: string, now = Date.now()): TokenCertificateView | undefined {
  const named = certificates.find((x) => x.serial === serial.toLowerCase() && x.keyId)
  if (!named) return undefined
  // An authentication certificate leads to the signing one of the same holder on the same token.
  const c = named.auth ? certificates.find((x) => !x.auth && x.keyId && x.storageId === named.storageId && x.iin === named.iin) : named
  return c && c.notAfter > now ? c : undefined
}

export interface RenewTokenOptions {
  readonly pin: string
  readonly supersedeNow: boolean
  readonly language: 'kk' | 'ru' | 'en'
  readonly onPhase: (phase: GenerationPhase) => void
}

/**
 * Renews the pair of a signing certificate on a hardware token through our agent: new keys on the
 * same token, the renewal signed by the token's current key; then the outbox, as above.
 */
export async function renewTokenCertificate(certificate: TokenCertificateView, options: RenewTokenOptions): Promise<{ sent?: ApplicationRecord; item: OutboxRecord }> {
  const applications = useApplicationsStore()
  await applications.refresh()
  const old = applications.applications.find((a) => a.keys.tokenId === certificate.storageId && a.keys.keyIds?.sign === certificate.keyId)
  const applicant = old?.applicant ?? applicantOf(certificate)
  const { prepareTokenRenewal } = await import('@/flows/renewal.ts')
  const { body, draft, renewal } = await prepareTokenRenewal({
    signer: useAgentsStore().agentSigner(),
    certificate,
    applicant,
    pin: options.pin,
    supersedeNow: options.supersedeNow,
    language: options.language,
    onPhase: options.onPhase,
  })
  return applications.submit(body, draft, renewal)
}
