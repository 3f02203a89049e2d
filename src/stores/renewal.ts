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
import { useApplicationsStore } from './applications.ts'
import { useContainersStore } from './containers.ts'

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

/** Renews the pair of `certificate`; resolves with the accepted application or the waiting outbox item. */
export async function renewCertificate(certificate: CertificateView, options: RenewOptions): Promise<{ sent?: ApplicationRecord; item: OutboxRecord }> {
  const containers = useContainersStore()
  const applications = useApplicationsStore()
  await applications.refresh()
  const old = applications.applications.find((a) => a.keys.containerId === certificate.containerId)
  const s = certificate.summary
  if (!s.iin) throw new QoltanbaError(ErrorCode.Validation, 'the certificate names no IIN')
  // The server takes everything from the old application; this is what the device shows.
  const [surname = '', name = ''] = (s.commonName ?? '').split(' ')
  const applicant: ApplicantSummary = old?.applicant ?? {
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
