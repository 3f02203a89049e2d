/**
 * Origin pairing (the Fortify pattern, docs/protocols.md#pairing-a-site-with-our-agent): a page asks to
 * pair; the agent shows a 6-digit code on its own console (never sends it to the page); the user
 * types it into the page, which sends it back. Three wrong codes or two minutes end the attempt.
 * Approved origins are kept in `approved-origins.json` in the agent's data dir.
 */
import { randomInt, timingSafeEqual } from 'node:crypto'
import { readFileSync, writeFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { ErrorCode, QoltanbaError } from '../src/core/errors.ts'

const CODE_TTL_MS = 2 * 60_000
const MAX_ATTEMPTS = 3
/** Codes one origin may ask for per hour: with 3 guesses each, at most 30 in a million per hour. */
const MAX_BEGINS_PER_HOUR = 10

interface PendingCode {
  readonly code: string
  readonly expiresAt: number
  attempts: number
}

/** Shows a code to the user on the agent side (console in `npm run agent`, a hook in tests). */
export type ShowPairingCode = (origin: string, code: string) => void

/** Approved origins and pending codes. */
export class PairingStore {
  private readonly approved = new Set<string>()
  private readonly pending = new Map<string, PendingCode>()
  private readonly begins = new Map<string, number[]>()
  private readonly file: string

  constructor(
    dataDir: string,
    private readonly show: ShowPairingCode,
    private readonly now: () => number = Date.now,
  ) {
    this.file = join(dataDir, 'approved-origins.json')
    try {
      const list = JSON.parse(readFileSync(this.file, 'utf8')) as unknown
      if (Array.isArray(list)) for (const o of list) if (typeof o === 'string' && isPairableOrigin(o)) this.approved.add(o)
    } catch {
      // no file yet
    }
  }

  isApproved(origin: string): boolean {
    return this.approved.has(origin)
  }

  hasPending(origin: string): boolean {
    const p = this.pending.get(origin)
    return p !== undefined && p.expiresAt > this.now()
  }

  /** Starts pairing: a fresh code, shown on the agent side. */
  begin(origin: string): { expiresInSeconds: number } {
    if (!isPairableOrigin(origin)) throw new QoltanbaError(ErrorCode.OriginNotApproved, 'This origin cannot be paired')
    const now = this.now()
    const recent = (this.begins.get(origin) ?? []).filter((t) => t > now - 3_600_000)
    if (recent.length >= MAX_BEGINS_PER_HOUR) {
      this.begins.set(origin, recent)
      throw new QoltanbaError(ErrorCode.RetryLater, 'Too many pairing attempts; try again later', { retryAfterMs: (recent[0] as number) + 3_600_000 - now })
    }
    this.begins.set(origin, [...recent, now])
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    this.pending.set(origin, { code, expiresAt: this.now() + CODE_TTL_MS, attempts: 0 })
    this.show(origin, code)
    return { expiresInSeconds: CODE_TTL_MS / 1000 }
  }

  /** Checks the code typed in the page; approves and persists the origin when it matches. */
  confirm(origin: string, code: string): void {
    const p = this.pending.get(origin)
    if (!p || p.expiresAt <= this.now()) {
      this.pending.delete(origin)
      throw new QoltanbaError(ErrorCode.PairingFailed, 'No pairing code is waiting; start pairing again', { attemptsLeft: 0 })
    }
    const ok = code.length === p.code.length && timingSafeEqual(Buffer.from(code), Buffer.from(p.code))
    if (!ok) {
      p.attempts++
      const attemptsLeft = MAX_ATTEMPTS - p.attempts
      if (attemptsLeft <= 0) this.pending.delete(origin)
      throw new QoltanbaError(ErrorCode.PairingFailed, 'The pairing code does not match', { attemptsLeft })
    }
    this.pending.delete(origin)
    this.approve(origin)
  }

  /** Approves directly (agent console command, tests). */
  approve(origin: string): void {
    if (!isPairableOrigin(origin)) throw new QoltanbaError(ErrorCode.OriginNotApproved, 'This origin cannot be paired')
    this.approved.add(origin)
    this.persist()
  }

  /** Forgets an origin. */
  revoke(origin: string): void {
    this.approved.delete(origin)
    this.persist()
  }

  list(): string[] {
    return [...this.approved].sort()
  }

  private persist(): void {
    const tmp = `${this.file}.tmp`
    writeFileSync(tmp, JSON.stringify(this.list(), null, 2) + '\n', { mode: 0o600 })
    renameSync(tmp, this.file)
  }
}

/** https origins, and http only for localhost/127.0.0.1 development pages. */
function isPairableOrigin(origin: string): boolean {
  if (origin.length > 255) return false
  let u: URL
  try {
    u = new URL(origin)
  } catch {
    return false
  }
  if (u.origin !== origin) return false
  if (u.protocol === 'https:') return true
  return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1')
}
