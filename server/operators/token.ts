/**
 * Operator bearer tokens made by the CLI (`qoltanba operator token --iin …`) until certificate
 * sign-in exists: `qot1.<base64url payload>.<base64url HMAC-SHA256>` with a key derived from the
 * server secret. Short-lived by design (default 1 hour, at most 12); they carry only the IIN, the
 * operator's role is looked up on every request so deactivation takes effect at once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const PREFIX = 'qot1'
export const DEFAULT_TOKEN_TTL_SECONDS = 3600
export const MAX_TOKEN_TTL_SECONDS = 12 * 3600

export interface OperatorTokenPayload {
  /** Operator's IIN. */
  readonly sub: string
  /** Issued at / expires at, seconds since the epoch. */
  readonly iat: number
  readonly exp: number
  readonly jti: string
}

function mac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(`${PREFIX}.${data}`).digest()
}

/** Makes a token for `iin` valid for `ttlSeconds`. */
export function createOperatorToken(key: Buffer, iin: string, ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS, now = Date.now()): string {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
    throw new Error(`token lifetime must be 1..${MAX_TOKEN_TTL_SECONDS} seconds`)
  }
  const iat = Math.floor(now / 1000)
  const payload: OperatorTokenPayload = { sub: iin, iat, exp: iat + ttlSeconds, jti: randomBytes(8).toString('hex') }
  const data = Buffer.from(JSON.stringify(payload)).toString('base64url')
  return `${PREFIX}.${data}.${mac(key, data).toString('base64url')}`
}

/** The payload of a valid, unexpired token, or undefined. Never throws on garbage. */
export function verifyOperatorToken(key: Buffer, token: string, now = Date.now()): OperatorTokenPayload | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1] || !parts[2]) return undefined
  const expected = mac(key, parts[1])
  const given = Buffer.from(parts[2], 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  try {
    const p = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as OperatorTokenPayload
    if (typeof p.sub !== 'string' || typeof p.exp !== 'number' || p.exp * 1000 <= now) return undefined
    return p
  } catch {
    return undefined
  }
}
