/**
 * The server's clock (AppContext.clock): the "now" of issuance (a certificate's notBefore, so its
 * notAfter), of the renewal checks and of the superseded-revocation job. A server runs on the
 * system clock. Only a server started for tests can have a TestClock, which tests move:
 * QOLTANBA_TEST_CLOCK=1 is refused unless NODE_ENV=test (loadTestClockSetting, a ConfigError at
 * start), and only then does buildApp serve PUT /api/v1/test/clock (server/routes/test-clock.ts)
 * to an operator session. In-process tests pass a clock to buildApp instead.
 */

export interface Clock {
  now(): Date
  /** Called after the clock moved (a TestClock only); jobs due by the new time run again. Returns an unsubscribe. */
  onChange?(listener: () => Promise<void>): () => void
}

export const systemClock: Clock = { now: () => new Date() }

/** The system time shifted by an offset that tests set; never in production (see above). */
export class TestClock implements Clock {
  #offsetMs = 0
  readonly #listeners = new Set<() => Promise<void>>()

  now(): Date {
    return new Date(Date.now() + this.#offsetMs)
  }

  get offsetMs(): number {
    return this.#offsetMs
  }

  /** Sets the offset from the system time and waits for the listeners (the jobs' runs at the new time). */
  async set(offsetMs: number): Promise<void> {
    this.#offsetMs = offsetMs
    await Promise.all([...this.#listeners].map((l) => l()))
  }

  onChange(listener: () => Promise<void>): () => void {
    this.#listeners.add(listener)
    return () => void this.#listeners.delete(listener)
  }
}

/**
 * QOLTANBA_TEST_CLOCK: "1" gives the server a TestClock. Anything but NODE_ENV=test refuses it (a
 * problem for ConfigError), so a production server can never be told to backdate a certificate.
 */
export function loadTestClockSetting(env: NodeJS.ProcessEnv, problems: string[]): boolean {
  const raw = env.QOLTANBA_TEST_CLOCK?.trim()
  if (!raw || raw === '0') return false
  if (raw !== '1') {
    problems.push(`QOLTANBA_TEST_CLOCK must be 1 or 0, got "${raw}"`)
    return false
  }
  if (env.NODE_ENV !== 'test') {
    problems.push('QOLTANBA_TEST_CLOCK=1 (a clock tests move) is only allowed with NODE_ENV=test')
    return false
  }
  return true
}
