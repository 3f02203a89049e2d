/**
 * The sign-in challenge payload: the exact bytes a client signs. Canonical JSON (fixed key order,
 * no whitespace, UTF-8) naming the origin, the nonce and the validity window, so the bytes can be
 * rebuilt and compared, the origin is bound like in Web eID (docs/protocols.md#ncalayer-has-no-origin,
 * as NCALayer cannot add it itself), and a human can read what they sign.
 *
 * Example: {"type":"qoltanba-login/1","origin":"https://rc.example.kz","nonce":"q5…","issuedAt":"2026-11-23T16:00:00.000Z","expiresAt":"2026-11-23T16:05:00.000Z"}
 */
import { toBase64Url } from '../core/bytes.ts'
import { refuse, LoginErrorCode } from './errors.ts'

/** Value of the `type` field; a new layout gets a new version suffix. */
export const LOGIN_PAYLOAD_TYPE = 'qoltanba-login/1'

/** Default challenge lifetime. */
export const LOGIN_CHALLENGE_TTL_MS = 5 * 60_000

/** The decoded payload. */
export interface LoginPayload {
  readonly type: typeof LOGIN_PAYLOAD_TYPE
  readonly origin: string
  readonly nonce: string
  readonly issuedAt: string
  readonly expiresAt: string
}

/** `scheme://host[:port]` with no path or trailing slash; throws on anything but http(s). */
export function normalizeOrigin(url: string): string {
  const u = new URL(url)
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`Origin must be http(s): ${url}`)
  return u.origin
}

/** 32 random bytes as unpadded base64url (43 characters). */
export function createNonce(crypto: Crypto = globalThis.crypto): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return toBase64Url(bytes)
}

/** Builds the payload and its canonical bytes. */
export function buildLoginPayload(opts: { origin: string; nonce: string; issuedAt: Date; ttlMs?: number }): {
  payload: LoginPayload
  bytes: Uint8Array
} {
  const payload: LoginPayload = {
    type: LOGIN_PAYLOAD_TYPE,
    origin: normalizeOrigin(opts.origin),
    nonce: opts.nonce,
    issuedAt: opts.issuedAt.toISOString(),
    expiresAt: new Date(opts.issuedAt.getTime() + (opts.ttlMs ?? LOGIN_CHALLENGE_TTL_MS)).toISOString(),
  }
  return { payload, bytes: new TextEncoder().encode(JSON.stringify(payload)) }
}

/**
 * Decodes signed content as a login payload. Anything else (not UTF-8 JSON, other fields, other
 * type) is ERR_PAYLOAD_MISMATCH: it cannot be the payload we issued.
 */
export function parseLoginPayload(bytes: Uint8Array): LoginPayload {
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (e) {
    return refuse(LoginErrorCode.PayloadMismatch, 'The signed content is not a sign-in payload', {}, e)
  }
  const p = value as Partial<Record<keyof LoginPayload, unknown>>
  const ok =
    typeof value === 'object' &&
    value !== null &&
    p.type === LOGIN_PAYLOAD_TYPE &&
    typeof p.origin === 'string' &&
    typeof p.nonce === 'string' &&
    typeof p.issuedAt === 'string' &&
    typeof p.expiresAt === 'string' &&
    !Number.isNaN(Date.parse(p.expiresAt))
  if (!ok) refuse(LoginErrorCode.PayloadMismatch, 'The signed content is not a sign-in payload')
  return value as LoginPayload
}
