/**
 * PEM armour (RFC 7468): base64 between `-----BEGIN label-----` and `-----END label-----`.
 * Base64 is src/core/bytes.ts's, so PEM bodies follow the same rule as every other base64 field.
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { fromBase64, toBase64 } from '../core/bytes.ts'

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

/**
 * The DER of every `label` block in a file (PEM text with any number of blocks, e.g. a CA bundle
 * or a CRL list), or the file itself when it is DER; empty when it is neither.
 * @example derOfFile(readFileSync('anchors.pem'), 'CERTIFICATE')
 * @throws QoltanbaError ERR_MALFORMED when a block's body is not base64.
 */
export function derOfFile(bytes: Uint8Array, label: string): Uint8Array[] {
  const text = new TextDecoder('latin1').decode(bytes)
  const begin = `-----BEGIN ${label}-----`
  const end = `-----END ${label}-----`
  const out: Uint8Array[] = []
  // indexOf, not a lazy BEGIN…END regex: that rescans to the end from every header (quadratic).
  for (let at = text.indexOf(begin); at >= 0; ) {
    const stop = text.indexOf(end, at + begin.length)
    if (stop < 0) break
    out.push(fromBase64(text.slice(at + begin.length, stop)))
    at = text.indexOf(begin, stop + end.length)
  }
  if (out.length === 0) return bytes[0] === 0x30 ? [bytes] : []
  return out
}
