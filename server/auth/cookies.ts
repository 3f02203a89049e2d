/**
 * Sign-in cookies. On an https origin they are `__Host-` cookies (Secure, Path=/, no Domain: the
 * browser binds them to this exact host). `__Host-` requires Secure, and only Chromium/Firefox
 * accept Secure cookies from http://localhost (Safari does not), so on a plain-http origin (local
 * development) the names carry no prefix and no Secure flag. Always HttpOnly and SameSite=Strict.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'

export interface CookieNames {
  readonly session: string
  readonly prelogin: string
  readonly secure: boolean
}

/** Cookie names and flags for the public origin. */
export function cookieNames(publicUrl: string): CookieNames {
  const secure = new URL(publicUrl).protocol === 'https:'
  const prefix = secure ? '__Host-' : ''
  return { session: `${prefix}qoltanba-session`, prelogin: `${prefix}qoltanba-prelogin`, secure }
}

/** Reads one cookie from the request's Cookie header. */
export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** Appends a Set-Cookie header; `maxAgeSeconds` 0 deletes the cookie. */
export function setCookie(reply: FastifyReply, names: CookieNames, name: string, value: string, maxAgeSeconds: number): void {
  const attrs = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`]
  if (names.secure) attrs.push('Secure')
  const existing = reply.getHeader('set-cookie')
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)]
  reply.header('set-cookie', [...list, attrs.join('; ')])
}
