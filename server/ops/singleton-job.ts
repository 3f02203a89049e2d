/**
 * A periodic job that runs on one instance at a time: every instance ticks, only the holder of
 * the job's advisory lock runs it. When the holder dies, another instance's next tick takes the
 * lock, so the job runs again within one interval.
 */
import { AdvisoryLock } from './advisory-lock.ts'

export type JobOutcome = 'ran' | 'skipped' | 'failed'

export interface SingletonJobOptions {
  readonly name: string
  readonly intervalMs: number
  /** DATABASE_URL; undefined (PGlite) runs the job here every time. */
  readonly databaseUrl: string | undefined
  readonly run: () => Promise<void>
  /** Each tick's outcome (metrics: qoltanba_job_runs_total). */
  readonly onOutcome?: (outcome: JobOutcome, error?: unknown) => void
}

export class SingletonJob {
  private readonly lock: AdvisoryLock
  private timer: NodeJS.Timeout | undefined
  private running: Promise<JobOutcome> | undefined

  constructor(private readonly options: SingletonJobOptions) {
    this.lock = new AdvisoryLock(options.databaseUrl, options.name)
  }

  /** Ticks now and every intervalMs. */
  start(): void {
    void this.tick()
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs)
    this.timer.unref()
  }

  /** One tick: runs the job if this instance holds (or takes) the lock. Never throws. */
  tick(): Promise<JobOutcome> {
    // A run still going when the next tick comes is not doubled.
    this.running ??= this.runOnce().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  private async runOnce(): Promise<JobOutcome> {
    let outcome: JobOutcome
    let error: unknown
    if (!(await this.lock.tryAcquire())) outcome = 'skipped'
    else {
      try {
        await this.options.run()
        outcome = 'ran'
      } catch (e) {
        outcome = 'failed'
        error = e
      }
    }
    this.options.onOutcome?.(outcome, error)
    return outcome
  }

  /** Stops ticking, waits for a run in progress, and lets another instance take the lock. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    await this.running
    await this.lock.release()
  }
}
