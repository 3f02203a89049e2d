/**
 * The one door untrusted bytes go through: a size-capped, depth- and node-capped BER/DER parse that
 * fails with typed errors instead of hanging or throwing library messages.
 */
import * as asn1js from 'asn1js'
import { ErrorCode, QoltanbaError } from '../core/errors.ts'

/** Limits for {@link parseAsn1}. Defaults suit certificates, CSRs, CMS and keys. */
export interface Asn1Limits {
  /** Largest input accepted, in bytes (default 10 MiB). Bigger → ERR_TOO_LARGE before any parsing. */
  readonly maxBytes?: number
  /** Deepest nesting accepted (default 64). */
  readonly maxDepth?: number
  /** Most ASN.1 nodes accepted (default 100,000). */
  readonly maxNodes?: number
  /** Accept trailing bytes after the first element (default false: DER objects stand alone). */
  readonly allowTrailing?: boolean
}

/** Default input cap: NCA containers and certificates are a few KB; 10 MiB leaves room for CMS of documents. */
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024

/**
 * Parses one ASN.1 element with limits.
 *
 * @throws QoltanbaError ERR_TOO_LARGE when `der` exceeds `maxBytes`; ERR_MALFORMED for truncated,
 *   garbage, too deep or too many nodes.
 * @example
 * const seq = parseAsn1(der) // asn1js.Sequence for a certificate
 */
export function parseAsn1(der: Uint8Array, limits: Asn1Limits = {}): asn1js.AsnType {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES
  if (der.byteLength > maxBytes) {
    throw new QoltanbaError(ErrorCode.TooLarge, `ASN.1 input of ${der.byteLength} bytes exceeds ${maxBytes}`, {
      size: der.byteLength,
      limit: maxBytes,
    })
  }
  if (der.byteLength === 0) throw new QoltanbaError(ErrorCode.Malformed, 'ASN.1 input is empty')
  let parsed: ReturnType<typeof asn1js.fromBER>
  try {
    parsed = asn1js.fromBER(der, {
      maxDepth: limits.maxDepth ?? 64,
      maxNodes: limits.maxNodes ?? 100_000,
      maxContentLength: maxBytes,
    })
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, 'ASN.1 input could not be parsed', {}, { cause: e })
  }
  const { result, offset } = parsed
  if (offset === -1 || result.error) {
    throw new QoltanbaError(ErrorCode.Malformed, `ASN.1 input is malformed: ${result.error || 'decode error'}`)
  }
  if (!limits.allowTrailing && offset !== der.byteLength) {
    throw new QoltanbaError(ErrorCode.Malformed, 'ASN.1 input has trailing bytes', { offset })
  }
  return result
}

/**
 * Parses `der` with limits and hands the tree to a pkijs class (e.g. `pkijs.Certificate`), so pkijs's
 * unguarded `fromBER` never sees untrusted bytes. Schema mismatches become ERR_MALFORMED.
 */
export function parsePki<T>(
  Type: new (params: { schema: asn1js.AsnType }) => T,
  der: Uint8Array,
  what: string,
  limits?: Asn1Limits,
): T {
  const schema = parseAsn1(der, limits)
  try {
    return new Type({ schema })
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, `${what} is malformed`, {}, { cause: e })
  }
}

/** Copies any bytes view into a fresh ArrayBuffer (WebCrypto and asn1js accept it everywhere). */
export function toArrayBuffer(bytes: Uint8Array | ArrayBuffer): ArrayBuffer {
  if (bytes instanceof ArrayBuffer) return bytes
  // Uint8Array.prototype.slice, not bytes.slice(): a Node Buffer's slice() is a view into its
  // shared 8 KB pool, whose .buffer would hand pkijs the whole pool instead of these bytes.
  return Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer
}
