/**
 * Application numbers: 12 digits = YY + 9-digit sequence + Luhn check digit, e.g. 260000001231.
 * Short enough to read over the phone, typo-checked before touching the database. Numbers are
 * sequential and therefore not secret: the access code protects an application, not its number.
 */
import { sql } from 'kysely'
import type { Db } from '../db/schema.ts'

/** The Luhn check digit of a digit string. */
export function luhnDigit(digits: string): number {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i])
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return (10 - (sum % 10)) % 10
}

/** Formats a sequence value as an application number for `year`. */
export function formatApplicationNumber(year: number, seq: number): string {
  const body = `${String(year % 100).padStart(2, '0')}${String(seq % 1e9).padStart(9, '0')}`
  return `${body}${luhnDigit(body)}`
}

/** Strips spaces and dashes people type; returns undefined unless 12 digits with a valid check digit. */
export function normalizeApplicationNumber(input: string): string | undefined {
  const s = input.replace(/[\s-]/g, '')
  if (!/^\d{12}$/.test(s)) return undefined
  return luhnDigit(s.slice(0, 11)) === Number(s[11]) ? s : undefined
}

/** Draws the next number from the database sequence. */
export async function nextApplicationNumber(db: Db, now = new Date()): Promise<string> {
  const row = await sql<{ n: number }>`select nextval('application_number_seq')::int8 as n`.execute(db)
  return formatApplicationNumber(now.getUTCFullYear(), Number(row.rows[0]!.n))
}
