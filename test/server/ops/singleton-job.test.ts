/**
 * Jobs that must run once: instances (each its own PostgreSQL session) tick the same job; only
 * the holder of its advisory lock runs it. The holder is a real process; after kill -9 of it,
 * another instance's next tick runs the job. Also: on PGlite (no DATABASE_URL) the lock is
 * trivially held, and several instances starting together migrate a fresh database once.
 */
import { spawn } from 'node:child_process'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../../server/db/database.ts'
import { SingletonJob, type JobOutcome } from '../../../server/ops/index.ts'
import { createTestDatabase } from './instances.ts'

describe('singleton jobs on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>
  beforeAll(async () => {
    database = await createTestDatabase('qoltanba_jobs')
  })
  afterAll(async () => {
    await database?.drop()
  })

  it('runs on the lock holder only, and on another instance after kill -9 of the holder', { timeout: 60_000 }, async () => {
    // The holder: another process ticking the job every 100 ms, printing each run.
    const script = `
      import { SingletonJob } from './server/ops/singleton-job.ts'
      const job = new SingletonJob({ name: 'test-job', intervalMs: 100, databaseUrl: process.env.DATABASE_URL, run: async () => { process.stdout.write('ran\\n') } })
      job.start()
      setInterval(() => {}, 1000)`
    const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, DATABASE_URL: database.url },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let holderRuns = 0
    const firstRun = new Promise<void>((resolve) => holder.stdout?.on('data', (d: Buffer) => {
      holderRuns += d.toString().split('\n').filter((l) => l === 'ran').length
      resolve()
    }))
    await firstRun

    const runs: string[] = []
    const jobs = ['B', 'C'].map((name) => new SingletonJob({ name: 'test-job', intervalMs: 60_000, databaseUrl: database.url, run: async () => void runs.push(name) }))
    try {
      expect(await Promise.all(jobs.map((j) => j.tick()))).toEqual(['skipped', 'skipped'])
      expect(runs).toEqual([])

      const exited = new Promise((r) => holder.once('exit', r))
      holder.kill('SIGKILL')
      await exited
      const runsBeforeKill = holderRuns
      // PostgreSQL ends the dead process's session and frees its lock; the next tick takes it.
      let outcomes: JobOutcome[] = []
      for (let i = 0; i < 100 && !outcomes.includes('ran'); i++) {
        outcomes = await Promise.all(jobs.map((j) => j.tick()))
        if (!outcomes.includes('ran')) await new Promise((r) => setTimeout(r, 50))
      }
      expect(outcomes.sort()).toEqual(['ran', 'skipped'])
      expect(runs).toHaveLength(1)
      // The new holder keeps it: it runs again, the other still skips.
      const again = await Promise.all(jobs.map((j) => j.tick()))
      expect(again.sort()).toEqual(['ran', 'skipped'])
      expect(new Set(runs).size).toBe(1)
      expect(holderRuns).toBe(runsBeforeKill)
    } finally {
      holder.kill('SIGKILL')
      await Promise.all(jobs.map((j) => j.stop()))
    }
  })

  it('a failing run is reported and the lock is kept', async () => {
    const outcomes: JobOutcome[] = []
    const job = new SingletonJob({
      name: 'failing-job', intervalMs: 60_000, databaseUrl: database.url,
      run: async () => { throw new Error('boom') },
      onOutcome: (o) => outcomes.push(o),
    })
    try {
      expect(await job.tick()).toBe('failed')
      expect(await job.tick()).toBe('failed')
      expect(outcomes).toEqual(['failed', 'failed'])
    } finally {
      await job.stop()
    }
  })

  it('on PGlite (no DATABASE_URL) the lock is trivially held', async () => {
    const job = new SingletonJob({ name: 'embedded', intervalMs: 60_000, databaseUrl: undefined, run: async () => {} })
    expect(await job.tick()).toBe('ran')
    await job.stop()
  })

  it('three instances starting together on a fresh database migrate it once (Kysely holds an advisory lock)', { timeout: 60_000 }, async () => {
    const fresh = await createTestDatabase('qoltanba_migrate')
    try {
      const dbs = await Promise.all([0, 1, 2].map(() => openDatabase({ dataDir: '/nonexistent', databaseUrl: fresh.url }, { poolSize: 2 })))
      await Promise.all(dbs.map((db) => db.destroy()))
      const c = new pg.Client({ connectionString: fresh.url })
      await c.connect()
      try {
        const r = await c.query<{ name: string; n: string }>('select name, count(*) as n from kysely_migration group by name')
        expect(r.rows.length).toBeGreaterThan(5)
        expect(r.rows.every((x) => Number(x.n) === 1)).toBe(true)
      } finally {
        await c.end()
      }
    } finally {
      await fresh.drop()
    }
  })
})
