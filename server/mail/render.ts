/** A queued message as it is sent: subject, plain text and HTML in the recipient's language. */
import type { MailKind, MailLanguage } from './schema.ts'
import { en } from './templates/en.ts'
import { kk } from './templates/kk.ts'
import { ru } from './templates/ru.ts'
import type { MailData, MailTemplates } from './templates/types.ts'

const TEMPLATES: Readonly<Record<MailLanguage, MailTemplates>> = { kk, ru, en }

export interface RenderedMail {
  readonly subject: string
  readonly text: string
  readonly html: string
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** Renders `kind` with links under `publicUrl` (PUBLIC_URL, no trailing slash). */
export function renderMail(kind: MailKind, language: MailLanguage, data: MailData, publicUrl: string): RenderedMail {
  const m = TEMPLATES[language][kind](data)
  const url = m.link ? publicUrl + m.link.path : undefined
  const text = [...m.paragraphs, ...(m.link && url ? [`${m.link.label}: ${url}`] : [])].join('\n\n') + '\n'
  const html =
    `<!doctype html><html lang="${language}"><body>` +
    m.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    (m.link && url ? `<p><a href="${escapeHtml(url)}">${escapeHtml(m.link.label)}</a></p>` : '') +
    '</body></html>'
  return { subject: m.subject, text, html }
}
