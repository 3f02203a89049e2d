/**
 * What the paper side of an application shows — the printed form and the PDF — built once, so
 * both always carry the same data. `ApplicationPaper` is the data (from this device's record, a
 * status looked up by number + access code, or what the server tells the personal cabinet);
 * `usePaperContent()` turns it into labelled, translated text that ApplicationPrintForm.vue draws
 * as HTML and application-pdf.ts draws into a PDF.
 *
 * The access code travels only from this device: the server keeps a keyed hash of it and never
 * hands it out (a signed-in owner does not need it — the session authorises the same things).
 */
import { computed, type ComputedRef } from 'vue'
import { useI18n } from 'vue-i18n'
import type { ApplicantSummary, ApplicationRecord, ApplicationView, KeyPlacement, KeyStorage } from '@/api/index.ts'
import { useFormat } from '@/composables/format.ts'
import { useRegionName } from '@/composables/region-name.ts'
import { useProfileTitle } from '@/composables/profile-title.ts'
import type { RegistrationCenter } from '@/core/centers-wire.ts'
import { paperCenterOf } from '@/components/centers/center-paper.ts'

/** Applications must be confirmed at a registration center within this many days (server/applications). */
const CONFIRM_WITHIN_DAYS = 30

/** The registration center where the application is confirmed (filled by the centers directory). */
export interface PaperCenter {
  readonly name: string
  readonly address: string
  readonly hours?: string
  readonly phone?: string
}

/** Everything known about one application for its paper; unknown parts print as blanks to fill by hand. */
export interface ApplicationPaper {
  readonly number: string
  /** Null when this device does not hold it (another device submitted the application). */
  readonly accessCode: string | null
  /** When the server accepted it (ms or ISO). */
  readonly submittedAt: number | string | null
  /** Last day to confirm it (ISO from the server); else submittedAt + 30 days. */
  readonly expiresAt?: string | null
  readonly applicant: Partial<ApplicantSummary>
  readonly storage?: KeyStorage
  readonly algorithm?: KeyPlacement['algorithm']
  /** The chosen registration center; null or absent leaves its place out. */
  readonly center?: PaperCenter | null
  /** The center from the directory (printed in the current language when `center` is not given). */
  readonly registrationCenter?: RegistrationCenter | null
}

/** The paper of an application this device submitted. */
export function paperFromRecord(record: ApplicationRecord, center?: PaperCenter | null): ApplicationPaper {
  return {
    number: record.number,
    accessCode: record.accessCode,
    submittedAt: record.submittedAt,
    expiresAt: record.lastStatus?.expiresAt ?? null,
    applicant: record.applicant,
    storage: record.keys.storage,
    algorithm: record.keys.algorithm,
    center: center ?? null,
    // As the server last described it (hours may have changed), else as chosen in the wizard.
    registrationCenter: record.lastStatus?.registrationCenter ?? record.applicant.center ?? null,
  }
}

/** The paper of an application known from the server's status (no name: the server's view has none). */
export function paperFromView(view: ApplicationView, accessCode: string | null, applicant: Partial<ApplicantSummary> = {}): ApplicationPaper {
  return {
    number: view.number,
    accessCode,
    submittedAt: view.createdAt,
    expiresAt: view.expiresAt,
    applicant: { profile: view.profile, region: view.region, ...applicant },
    storage: view.storage,
    center: null,
    registrationCenter: view.registrationCenter ?? null,
  }
}

/** One labelled line of the form's table; an empty value prints as a blank to fill in. */
export interface PaperRow {
  readonly label: string
  readonly value: string
}

/** The form as text, in the current language: what both the print form and the PDF draw. */
export interface PaperContent {
  readonly number: string
  readonly title: string
  readonly addressee: string
  readonly qrLabel: string
  readonly rows: readonly PaperRow[]
  readonly statement: string
  readonly signatures: readonly [string, string]
  readonly bringTitle: string
  readonly bring: readonly string[]
  readonly center: { readonly title: string; readonly lines: readonly string[] } | null
  /** The applicant's tear-off part with the access code (the registration center does not need it). */
  readonly slip: { readonly title: string; readonly note: string; readonly rows: readonly PaperRow[] }
  /** The download's file name. */
  readonly fileName: string
  /** The interface language (the PDF's /Lang). */
  readonly locale: string
}

function toDate(value: number | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? null : d
}

/** Returns the content of a paper, recomputed when the paper or the language changes. */
export function usePaperContent(paper: () => ApplicationPaper): ComputedRef<PaperContent> {
  const { t, locale } = useI18n()
  const { formatDate } = useFormat()
  const regionName = useRegionName()
  const profileTitle = useProfileTitle()

  return computed(() => {
    const p = paper()
    const a = p.applicant
    const submitted = toDate(p.submittedAt)
    const deadline = toDate(p.expiresAt) ?? (submitted && new Date(submitted.getTime() + CONFIRM_WITHIN_DAYS * 86_400_000))
    const fullName = [a.surname, a.name, a.patronymic].filter(Boolean).join(' ')
    const rows: PaperRow[] = [
      { label: t('request.print.number'), value: p.number },
      { label: t('request.print.date'), value: submitted ? formatDate(submitted, 'long') : '' },
      { label: t('request.print.applicant'), value: fullName },
      { label: t('request.check.iin'), value: a.iin ?? '' },
      { label: t('request.print.profile'), value: a.profile ? profileTitle(a.profile) : '' },
    ]
    if (a.bin) rows.push({ label: t('request.check.organization'), value: `${a.organization ?? ''} (${t('request.check.bin')} ${a.bin})`.trim() })
    // The e-mail row only where the device knows the applicant: "not provided" must not be guessed.
    if (a.iin) rows.push({ label: t('request.check.email'), value: a.email ?? t('request.not_provided') })
    rows.push(
      { label: t('request.check.region'), value: a.region ? regionName(a.region) : '' },
      { label: t('request.check.storage'), value: p.storage ? t(`request.storage.${p.storage}`) : '' },
    )
    if (p.algorithm) rows.push({ label: t('request.check.key_type'), value: p.algorithm === 'P-256' ? t('request.key_type.ec') : t('request.key_type.rsa') })
    rows.push({ label: t('request.check.certificates_title'), value: `${t('request.certificates.auth')}; ${t('request.certificates.sign')}` })

    const bring = [t('application_paper.form.bring_identity'), t('application_paper.form.bring_form')]
    if (a.kind === 'legal_entity' || a.bin) bring.push(t('application_paper.form.bring_authority'))
    if (p.storage === 'token') bring.push(t('application_paper.form.bring_token'))
    if (deadline) bring.push(t('application_paper.form.bring_deadline', { date: formatDate(deadline, 'long') }))

    const c = p.center ?? (p.registrationCenter ? paperCenterOf(p.registrationCenter, locale.value, t) : null)
    return {
      number: p.number,
      title: t('request.print.title'),
      addressee: c ? `${t('request.print.addressee')}: ${c.name}` : t('request.print.addressee'),
      qrLabel: t('request.done.qr_label', { number: p.number }),
      rows,
      statement: t('request.print.statement'),
      signatures: [t('request.print.applicant_signature'), t('request.print.operator_signature')],
      bringTitle: t('application_paper.form.bring_title'),
      bring,
      center: c ? { title: t('application_paper.form.center_title'), lines: [c.name, c.address, c.hours ?? '', c.phone ?? ''].filter(Boolean) } : null,
      slip: {
        title: t('application_paper.form.slip_title'),
        note: t(p.accessCode ? 'application_paper.form.slip_note' : 'application_paper.form.slip_no_code'),
        rows: [
          { label: t('request.print.number'), value: p.number },
          { label: t('status.form.code'), value: p.accessCode ?? '' },
        ],
      },
      fileName: `application-${p.number}.pdf`,
      locale: locale.value,
    }
  })
}
