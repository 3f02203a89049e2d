/**
 * Kazakhstan IIN (individuals) and BIN (legal entities): 12 digits, the last a two-pass mod-11
 * check digit (docs/kazakhstan-data.md#check-digit). Birth date and sex are decoded only as a hint:
 * since 2013 an IIN need not match the person's data, so never reject on them.
 */
import { ErrorCode } from '../core/errors.ts'

const W1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
const W2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]

/** Result of an IIN/BIN check; `code` is set when invalid. */
export interface IdCheck {
  readonly valid: boolean
  readonly code?: typeof ErrorCode.InvalidIin | typeof ErrorCode.InvalidBin
}

/** The check digit for the first 11 digits, or undefined when both passes give 10 (never issued). */
export function checkDigit(first11: string): number | undefined {
  const d = [...first11].map(Number)
  const sum = (w: number[]) => d.reduce((s, x, i) => s + x * w[i]!, 0) % 11
  let c = sum(W1)
  if (c === 10) c = sum(W2)
  return c === 10 ? undefined : c
}

function checkTwelve(s: string): boolean {
  if (!/^\d{12}$/.test(s)) return false
  const c = checkDigit(s.slice(0, 11))
  return c !== undefined && c === Number(s[11])
}

/**
 * Checks an IIN's shape and check digit.
 * @example checkIin('900101300017') // { valid: true }
 */
export function checkIin(s: string): IdCheck {
  return checkTwelve(s) ? { valid: true } : { valid: false, code: ErrorCode.InvalidIin }
}

/** Checks a BIN's shape and check digit (same algorithm as the IIN). */
export function checkBin(s: string): IdCheck {
  return checkTwelve(s) ? { valid: true } : { valid: false, code: ErrorCode.InvalidBin }
}

/** What an IIN suggests about its holder: advisory only, may be absent or wrong. */
export interface IinHint {
  /** ISO date YYYY-MM-DD when digits 1–7 form a real date. */
  readonly birthDate?: string
  readonly sex?: 'male' | 'female'
}

/** Decodes the birth-date/sex hint of an IIN (digit 7: 1–6 = century and sex). */
export function decodeIin(s: string): IinHint {
  if (!/^\d{12}$/.test(s)) return {}
  const g = Number(s[6])
  if (g < 1 || g > 6) return {}
  const sex = g % 2 === 1 ? 'male' : 'female'
  const year = 1800 + 100 * Math.floor((g - 1) / 2) + Number(s.slice(0, 2))
  const month = Number(s.slice(2, 4))
  const day = Number(s.slice(4, 6))
  const date = new Date(Date.UTC(year, month - 1, day))
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  if (!real) return { sex }
  return { birthDate: `${year}-${s.slice(2, 4)}-${s.slice(4, 6)}`, sex }
}
