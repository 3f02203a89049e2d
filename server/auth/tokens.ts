/** Random identifiers (nonces, pre-login ids, session ids) and the hashes stored for them. */
import { createHash, randomBytes } from 'node:crypto'

/** 32 random bytes, base64url without padding. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url')
}

/** SHA-256 of a token, base64url: what the database stores instead of the token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url')
}

/** A cookie value we issued: 43 base64url characters. Anything else is ignored without a lookup. */
export function isTokenShaped(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value)
}
