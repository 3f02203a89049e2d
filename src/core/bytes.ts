/**
 * Byte helpers every layer shares (PWA, server, agent): equality, hex and base64. Plain JS over
 * `atob`/`btoa`, which browsers, workers and Node all have, so the same code runs everywhere.
 */
import { ErrorCode, QoltanbaError } from './errors.ts'

/**
 * Byte equality that stops at the first difference: for public data (DER, names, hashes of
 * public things) on hot paths. Compare anything secret-dependent with {@link bytesEqual}.
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Byte equality without early exit (time depends on the length only): for digests, MACs, PIN
 * hashes and signed content compared with what we issued, where the position of the first
 * difference must not leak.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array | ArrayBuffer): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)
  let out = ''
  for (const b of view) out += b.toString(16).padStart(2, '0')
  return out
}

/**
 * Bytes of a hex string (whitespace and colons ignored).
 * @throws QoltanbaError ERR_MALFORMED on anything else or an odd number of digits.
 */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[\s:]/g, '')
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(clean)) throw new QoltanbaError(ErrorCode.Malformed, 'bad hex string')
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16))
}

/** Standard base64 of `bytes`, padded, no line breaks. */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  // Chunks keep String.fromCharCode's argument list under engines' limits for large files.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** Unpadded base64url of `bytes` (RFC 4648 §5): nonces and tokens that travel in URLs. */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** How {@link fromBase64} reads its text. */
export interface FromBase64Options {
  /** Also read the URL-safe alphabet (`-` and `_`), as agents and some relying parties send. */
  readonly urlSafe?: boolean
}

/**
 * Decodes base64. Whitespace is ignored and `=` padding is optional, but padding only ends the
 * text: one decoder with one rule for PEM bodies, API fields and agent replies.
 * @throws QoltanbaError ERR_MALFORMED on other characters, misplaced padding, or a length that
 * cannot be base64 (one character past a multiple of four carries 6 bits, not a byte).
 */
export function fromBase64(text: string, options: FromBase64Options = {}): Uint8Array<ArrayBuffer> {
  let clean = text.replace(/\s+/g, '')
  if (options.urlSafe) clean = clean.replace(/-/g, '+').replace(/_/g, '/')
  const body = clean.replace(/={1,2}$/, '')
  if (!/^[A-Za-z0-9+/]*$/.test(body)) throw new QoltanbaError(ErrorCode.Malformed, 'base64 has a bad character')
  if (body.length % 4 === 1) throw new QoltanbaError(ErrorCode.Malformed, 'base64 has a bad length')
  const binary = atob(body.padEnd(Math.ceil(body.length / 4) * 4, '='))
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

/**
 * Decodes base64 text that may be PEM-armoured (`-----BEGIN CMS-----`), broken into lines or
 * URL-safe, as local agents send binary (NCALayer armours its CMS).
 * @throws QoltanbaError ERR_MALFORMED (with `what` in the message) on anything else.
 */
export function fromBase64Text(text: string, what = 'base64 value'): Uint8Array {
  const body = text.replace(/-----(BEGIN|END)[^-]*-----/g, '')
  if (body.trim().length === 0) throw new QoltanbaError(ErrorCode.Malformed, `${what} is not base64`)
  try {
    return fromBase64(body, { urlSafe: true })
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, `${what} is not base64`, {}, { cause: e })
  }
}
