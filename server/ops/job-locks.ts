/**
 * The advisory locks of the jobs a component asks about by name (the CA's OCSP and TSA renewals
 * and root CRL signing): one lock, and so one database session, per job that was asked about.
 * Separate locks rather than one for all, so the jobs can land on different instances and a
 * slow one (the root key is opened for each signature) never holds the others up.
 */
import { AdvisoryLock } from './advisory-lock.ts'

export class JobLocks {
  private readonly locks = new Map<string, AdvisoryLock>()

  /** DATABASE_URL; undefined (PGlite: one process) holds every lock. */
  constructor(private readonly databaseUrl: string | undefined) {}

  /** True when this instance holds (or just took) the lock of `job`. */
  holds(job: string): Promise<boolean> {
    let lock = this.locks.get(job)
    if (!lock) this.locks.set(job, (lock = new AdvisoryLock(this.databaseUrl, job)))
    return lock.tryAcquire()
  }

  /** Releases every lock, so another instance takes the jobs over at its next check. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.locks.values()].map((l) => l.release()))
  }
}
