/**
 * Base64 and PEM helpers for agent messages. Agents send binary as base64 text, sometimes
 * PEM-armoured (NCALayer's CMS: reference agents-ncalayer-webeid.md §1.5 "Interop notes"), so
 * decoding strips any armour and whitespace first. Works in browsers and Node (atob/btoa).
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'

/** Standard base64 of `bytes` (no line breaks). */
export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  }
  return btoa(binary)
}

/**
 * Decodes base64 text that may be PEM-armoured (`-----BEGIN CMS-----`), contain line breaks, or
 * use the URL-safe alphabet. Throws ERR_MALFORMED (with `what` in the message) on garbage.
 */
export function fromBase64Text(text: string, what = 'base64 value'): Uint8Array {
  const body = text
    .replace(/-----(BEGIN|END)[^-]*-----/g, '')
    .replace(/\s+/g, '')
    .replace(/-/g, '+')
    .replace(/_/g, '/')
  if (body.length === 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(body)) {
    throw new QoltanbaError(ErrorCode.Malformed, `${what} is not base64`)
  }
  try {
    const binary = atob(body)
    const out = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
    return out
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, `${what} is not base64`, {}, { cause: e })
  }
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
