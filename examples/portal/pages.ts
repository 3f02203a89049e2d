/** The demo portal's two pages: signed out (the sign-in button) and signed in (the claims). */
import type { ServerResponse } from 'node:http'

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function page(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Demo portal</title><body style="font:18px/1.5 system-ui;max-width:40rem;margin:2rem auto;padding:0 1rem">
<h1>Demo portal</h1>${body}</body></html>`)
}

export function signedOutPage(error?: string): string {
  return `${error ? `<p role="alert" data-testid="portal-error">Sign-in failed: <code>${escape(error)}</code></p>` : ''}
<p><a href="/login" data-testid="portal-signin" style="font-size:1.25rem">Sign in with a certificate</a></p>`
}

export function signedInPage(claims: Record<string, unknown>): string {
  const rows = Object.entries(claims)
    .map(([k, v]) => `<tr><th scope="row">${escape(k)}</th><td data-claim="${escape(k)}">${escape(typeof v === 'string' ? v : JSON.stringify(v))}</td></tr>`)
    .join('')
  return `<p data-testid="portal-signed-in">Signed in. Qoltanba sent these claims:</p>
<table data-testid="portal-claims"><tbody>${rows}</tbody></table>
<form method="post" action="/logout"><button data-testid="portal-signout">Sign out</button></form>`
}
