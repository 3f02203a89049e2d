/**
 * Access codes: what an applicant types with the application number to see its status.
 *
 * 12 characters of Crockford base32 (60 bits), shown as XXXX-XXXX-XXXX. The code is derived as
 * HMAC(server key, number ‖ idempotency key), which lets a retried submission (same
 * Idempotency-Key, e.g. from the offline outbox after a lost response) get the same code back
 * without the server ever storing it. Only HMAC-SHA256(pepper, code) is stored. A fast keyed hash
 * is enough here, unlike for passwords: 60 random bits cannot be brute-forced offline, the
 * pepper lives outside the database (a stolen dump alone is useless), and online guessing is
 * rate limited. scrypt would only slow down every status check.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const LENGTH = 12

function base32(bytes: Buffer, length: number): string {
  let bits = 0
  let value = 0
  let out = ''
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  return out
}

/** The access code for an application (deterministic for its number and idempotency key). */
export function deriveAccessCode(codeKey: Buffer, number: string, idempotencyKey: string): string {
  const mac = createHmac('sha256', codeKey).update(`access-code\0${number}\0${idempotencyKey}`).digest()
  const raw = base32(mac, LENGTH)
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`
}

/** Canonical form of a typed code: upper case, no separators, Crockford's look-alikes mapped. */
export function normalizeAccessCode(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0')
}

/** The stored form: HMAC-SHA256(pepper, canonical code), hex. */
export function hashAccessCode(pepper: Buffer, code: string): string {
  return createHmac('sha256', pepper).update(normalizeAccessCode(code)).digest('hex')
}

/** Constant-time check of a typed code against the stored hash. */
export function accessCodeMatches(pepper: Buffer, typed: string, storedHash: string): boolean {
  const a = Buffer.from(hashAccessCode(pepper, typed), 'hex')
  const b = Buffer.from(storedHash, 'hex')
  return a.length === b.length && timingSafeEqual(a, b)
}
