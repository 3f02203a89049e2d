/** The operator PIN that locks a URL-enabled kiosk: stored only as a salted PBKDF2 hash. */
import { bytesEqual, fromBase64, toBase64 } from '../core/bytes.ts'
import type { PinHash } from './config.ts'

const ITERATIONS = 100_000

/** A PIN is 4 to 12 digits. */
export function isValidPin(pin: string): boolean {
  return /^\d{4,12}$/.test(pin)
}

async function derive(pin: string, salt: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits'])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: ITERATIONS }, key, 256)
  return new Uint8Array(bits)
}

/** Hashes a new PIN with a fresh salt. */
export async function hashPin(pin: string): Promise<PinHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  return { salt: toBase64(salt), hash: toBase64(await derive(pin, salt)) }
}

/** Whether `pin` matches the stored hash (constant-time comparison of the digests). */
export async function verifyPin(pin: string, stored: PinHash): Promise<boolean> {
  const actual = await derive(pin, fromBase64(stored.salt))
  const expected = fromBase64(stored.hash)
  return bytesEqual(actual, expected)
}

/** How the app moves on once the PIN changed kiosk mode (the router and `location` in the app). */
export interface PinNavigation {
  /** Replaces the current route's query (no page load). */
  replaceQuery(query: Record<string, unknown>): void
  /** Loads `path` as a fresh page. */
  reload(path: string): void
}

/**
 * What follows a successful PIN: after `lock`, the address drops `?kiosk` (the device setting
 * keeps kiosk mode on from now on); after `leave`, a fresh start page without the kiosk guards.
 * The PIN dialog calls this itself rather than telling its parent: the parent shows only while
 * a PIN is needed or kiosk mode is on, so the change unmounts it and Vue drops an emitted event.
 */
export function afterPinChange(mode: 'lock' | 'leave', query: Readonly<Record<string, unknown>>, nav: PinNavigation): void {
  if (mode === 'leave') {
    nav.reload('/')
    return
  }
  if (!Object.hasOwn(query, 'kiosk')) return
  const { kiosk: _flag, ...rest } = query
  void _flag
  nav.replaceQuery(rest)
}
