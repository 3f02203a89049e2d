/**
 * Checks for messages from the untrusted WebSocket: every field is typed and bounded before use,
 * and a failure is ERR_MALFORMED naming the field (never echoing its value, which may be a PIN).
 */
import { ErrorCode, QoltanbaError } from '../src/core/errors.ts'

/** A parsed JSON object. */
export type Json = Record<string, unknown>

function malformed(field: string, what: string): QoltanbaError {
  return new QoltanbaError(ErrorCode.Malformed, `${field} ${what}`, { field })
}

/** `v` as a plain object (ERR_MALFORMED otherwise). */
export function object(v: unknown, field: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw malformed(field, 'must be an object')
  return v as Json
}

/** A string of at most `max` characters matching `pattern` when given. */
export function string(o: Json, key: string, opts: { max: number; pattern?: RegExp; optional?: false }): string
export function string(o: Json, key: string, opts: { max: number; pattern?: RegExp; optional: true }): string | undefined
export function string(o: Json, key: string, opts: { max: number; pattern?: RegExp; optional?: boolean }): string | undefined {
  const v = o[key]
  if (v === undefined || v === null || (opts.optional && v === '')) {
    if (opts.optional) return undefined
    throw malformed(key, 'is required')
  }
  if (typeof v !== 'string') throw malformed(key, 'must be a string')
  if (v.length > opts.max) throw malformed(key, `must be at most ${opts.max} characters`)
  if (opts.pattern && !opts.pattern.test(v)) throw malformed(key, 'has a wrong format')
  return v
}

/** An optional boolean (real booleans only: NCALayer's string "true" confusion is not repeated). */
export function boolean(o: Json, key: string, fallback: boolean): boolean {
  const v = o[key]
  if (v === undefined || v === null) return fallback
  if (typeof v !== 'boolean') throw malformed(key, 'must be a boolean')
  return v
}

/** An optional array of strings, each bounded. */
export function strings(o: Json, key: string, opts: { maxItems: number; max: number; pattern?: RegExp }): string[] | undefined {
  const v = o[key]
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v) || v.length > opts.maxItems) throw malformed(key, `must be a list of at most ${opts.maxItems}`)
  return v.map((item, i) => {
    if (typeof item !== 'string' || item.length > opts.max || (opts.pattern && !opts.pattern.test(item))) {
      throw malformed(`${key}[${i}]`, 'has a wrong format')
    }
    return item
  })
}

/** One of `values`. */
export function oneOf<T extends string>(o: Json, key: string, values: readonly T[]): T {
  const v = o[key]
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw malformed(key, `must be one of ${values.join(', ')}`)
  return v as T
}

/** Strict base64 (no armour) of at most `maxBytes` decoded bytes. */
export function base64(o: Json, key: string, maxBytes: number): Uint8Array {
  const text = string(o, key, { max: Math.ceil(maxBytes / 3) * 4 + 4 })
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw malformed(key, 'must be base64')
  return new Uint8Array(Buffer.from(text, 'base64'))
}

export const OID = /^[0-2](\.\d{1,10}){1,20}$/
export const HEX_ID = /^[0-9a-f]{1,128}$/
export const PIN = /^[\x20-\x7e]{1,64}$/
export const STORAGE_ID = /^[\x21-\x7e]{1,120}$/
