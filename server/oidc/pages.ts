/**
 * The few HTML pages the provider itself renders (an error it cannot send back to the portal,
 * the sign-out question, "you are signed out"): small, self-contained, in the three languages at
 * once (the provider does not know the PWA's language choice), no external resources.
 */
import type { KoaContextWithOIDC } from 'oidc-provider'

const escape = (s: unknown) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="kk"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5}button{min-height:44px;min-width:44px;font-size:1rem;margin:.25rem}p.code{color:#555}</style></head><body>${body}</body></html>`
}

/** An OAuth error shown in the browser (no redirect back is safe: unknown client or redirect_uri). */
export async function renderError(ctx: KoaContextWithOIDC, out: { error: string; error_description?: string }): Promise<void> {
  ctx.type = 'html'
  ctx.body = page(
    'Qoltanba',
    `<h1>Порталға кіру мүмкін емес · Вход на портал невозможен · Cannot sign in to the portal</h1><p class="code"><code>${escape(out.error)}</code>${out.error_description ? `: ${escape(out.error_description)}` : ''}</p>`,
  )
}

/** RP-initiated logout: the provider's form plus a confirmation (protects against forced sign-out). */
export async function logoutSource(ctx: KoaContextWithOIDC, form: string): Promise<void> {
  ctx.type = 'html'
  ctx.body = page(
    'Qoltanba',
    `<h1>Шығасыз ба? · Выйти? · Sign out?</h1>${form}<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Иә · Да · Yes</button><button type="submit" form="op.logoutForm">Жоқ · Нет · No</button>`,
  )
}

export async function postLogoutSuccessSource(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html'
  ctx.body = page('Qoltanba', '<h1>Сіз шықтыңыз · Вы вышли · You are signed out</h1>')
}
