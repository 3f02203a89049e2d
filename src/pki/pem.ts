/**
 * PEM armour (RFC 7468): base64 between `-----BEGIN label-----` and `-----END label-----`.
 * Pure JS base64 so it runs the same in browsers, Node and workers.
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]))

/** Standard base64 of `bytes` (with padding). */
export function toBase64(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0
    const b = bytes[i + 1] ?? 0
    const c = bytes[i + 2] ?? 0
    const n = (a << 16) | (b << 8) | c
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63]! : '='
    out += i + 2 < bytes.length ? B64[n & 63]! : '='
  }
  return out
}

/**
 * Decodes base64 (whitespace ignored, padding optional).
 * @throws QoltanbaError ERR_MALFORMED on characters outside the alphabet.
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const clean = text.replace(/[\s=]/g, '')
  if (clean.length % 4 === 1) throw new QoltanbaError(ErrorCode.Malformed, 'base64 has a bad length')
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4))
  let bits = 0
  let acc = 0
  let o = 0
  for (const ch of clean) {
    const v = B64_INDEX.get(ch)
    if (v === undefined) throw new QoltanbaError(ErrorCode.Malformed, 'base64 has a bad character')
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[o++] = (acc >> bits) & 0xff
    }
  }
  return out.subarray(0, o)
}

/**
 * Wraps DER in PEM with 64-column lines.
 * @example toPem(certDer, 'CERTIFICATE')
 */
export function toPem(der: Uint8Array, label: string): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

/** One PEM block: its label and the DER it armours. */
export interface PemBlock {
  readonly label: string
  readonly der: Uint8Array<ArrayBuffer>
}

/**
 * Every PEM block in `text`, in order (a chain file holds several).
 * @throws QoltanbaError ERR_MALFORMED when there is no block or one is broken.
 */
export function fromPem(text: string): PemBlock[] {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g
  const blocks: PemBlock[] = []
  for (const m of text.matchAll(re)) {
    // Encapsulated headers (Proc-Type, DEK-Info) mark legacy OpenSSL encryption we do not read.
    if (/^[\w-]+:/m.test(m[2]!)) {
      throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, 'PEM with encapsulated headers (legacy encryption)')
    }
    blocks.push({ label: m[1]!, der: fromBase64(m[2]!) })
  }
  if (blocks.length === 0) throw new QoltanbaError(ErrorCode.Malformed, 'no PEM block found')
  return blocks
}

/**
 * Accepts a file as the user gave it: DER as is, or the first PEM block if it is PEM text.
 * @throws QoltanbaError ERR_MALFORMED for PEM-looking text without a valid block.
 */
export function decodeDerOrPem(bytes: Uint8Array): Uint8Array {
  // DER of everything we read starts with a SEQUENCE tag; anything else may be PEM text.
  if (bytes[0] === 0x30) return bytes
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 4096)))
  if (!head.includes('-----BEGIN ')) return bytes
  return fromPem(new TextDecoder().decode(bytes))[0]!.der
}
