/**
 * What every fuzz target must hold, and the counting both runners share (vitest with a fixed
 * seed, `npm run fuzz` for the long run):
 * - a refusal is a typed error (QoltanbaError with an ERR_ code, or the module's own typed class);
 * - an HTTP answer is never 5xx;
 * - no input takes longer than {@link HANG_MS} (a robustness bound against hangs, not a speed test);
 * - an accepted input carries the same signed content and signer as its seed (the target checks
 *   that and reports a violation otherwise).
 */
import { QoltanbaError } from '../../src/core/errors.ts'

/** An input that takes longer than this counts as a hang. */
export const HANG_MS = 2000

/** What a target says about one input it did not throw on. */
export type Verdict =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'refused' }
  /** A typed refusal returned rather than thrown (an HTTP 4xx, a revocation checker's 'unknown'). */
  | { readonly kind: 'http'; readonly status: number }
  | { readonly kind: 'violation'; readonly why: string }

/** A parser family under test. */
export interface FuzzTarget<T> {
  readonly name: string
  /** The inputs: mutants of the seeds, random data. */
  readonly inputs: import('fast-check').Arbitrary<T>
  /** Runs the parser(s) on one input; throws what the parser throws. */
  attempt(input: T): Promise<Verdict>
  /** Typed errors of this target besides QoltanbaError (e.g. the server's DerError). */
  isTyped?(e: unknown): boolean
  close?(): Promise<void>
}

/** Counts per target, as `npm run fuzz` prints them. */
export interface Counts {
  inputs: number
  typedErrors: number
  accepted: number
  untypedErrors: number
  status5xx: number
  timeouts: number
  violations: number
}

export const emptyCounts = (): Counts => ({ inputs: 0, typedErrors: 0, accepted: 0, untypedErrors: 0, status5xx: 0, timeouts: 0, violations: 0 })

/** A QoltanbaError with a stable ERR_ code. */
export function isTypedError(e: unknown): boolean {
  return e instanceof QoltanbaError && typeof e.code === 'string' && /^ERR_[A-Z0-9_]+$/.test(e.code)
}

/** The outcome of one input; `problem` is set when an invariant broke. */
export interface Outcome {
  readonly counted: keyof Counts
  readonly problem?: string
}

/** Runs one input through `target`, classifies it and adds it to `counts`. */
export async function judge<T>(target: FuzzTarget<T>, input: T, counts: Counts): Promise<Outcome> {
  const started = performance.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), HANG_MS)
  })
  let outcome: Outcome
  try {
    const verdict = await Promise.race([target.attempt(input), timeout])
    if (verdict === 'timeout') outcome = { counted: 'timeouts', problem: `no answer within ${HANG_MS} ms` }
    else if (verdict.kind === 'violation') outcome = { counted: 'violations', problem: verdict.why }
    else if (verdict.kind === 'http' && verdict.status >= 500) outcome = { counted: 'status5xx', problem: `HTTP ${verdict.status}` }
    else if (verdict.kind === 'http') outcome = { counted: verdict.status < 400 ? 'accepted' : 'typedErrors' }
    else outcome = { counted: verdict.kind === 'accepted' ? 'accepted' : 'typedErrors' }
  } catch (e) {
    outcome = isTypedError(e) || target.isTyped?.(e)
      ? { counted: 'typedErrors' }
      : { counted: 'untypedErrors', problem: `untyped ${(e as Error)?.constructor?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}` }
  } finally {
    clearTimeout(timer)
  }
  // A synchronous parser blocks the timer above: measure as well.
  const elapsed = performance.now() - started
  if (elapsed > HANG_MS && outcome.counted !== 'timeouts') outcome = { counted: 'timeouts', problem: `took ${Math.round(elapsed)} ms` }
  counts.inputs++
  counts[outcome.counted]++
  return outcome
}

/** Hex of the first bytes of an input, for failure messages. */
export function preview(bytes: Uint8Array | string, max = 96): string {
  if (typeof bytes === 'string') return JSON.stringify(bytes.slice(0, max))
  return `${Buffer.from(bytes.subarray(0, max)).toString('hex')}${bytes.length > max ? '…' : ''} (${bytes.length} bytes)`
}
