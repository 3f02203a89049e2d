/**
 * Real server processes (`node --import tsx server/main.ts`) on one PostgreSQL database of their
 * own, for the scale-out tests: a fresh database per suite, free ports, start/stop/kill.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { join } from 'node:path'
import pg from 'pg'
import { TEST_DATABASE_URL } from '../helpers/database.ts'

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

/** A new, empty database on the test server; returns its URL and how to drop it. */
export async function createTestDatabase(prefix: string): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`
  await admin((c) => c.query(`create database ${name}`))
  const u = new URL(TEST_DATABASE_URL)
  u.pathname = `/${name}`
  return { url: u.toString(), name, drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined) }
}

/** Runs `sql` on the admin connection (e.g. pg_terminate_backend of a listener). */
export function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  return admin((c) => c.query(sql, params))
}

export interface Instance {
  readonly name: string
  readonly url: string
  readonly child: ChildProcess
  output(): string
  /** Resolves with the exit code after `signal`. */
  stop(signal: NodeJS.Signals): Promise<number | null>
}

/** Starts one instance and waits for /api/v1/health. */
export async function startInstance(name: string, env: NodeJS.ProcessEnv): Promise<Instance> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let out = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance ${name} exited with ${child.exitCode}:\n${out}`)
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150))
  }
  return {
    name,
    url,
    child,
    output: () => out,
    stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

/** The environment every instance of a cluster shares (DATA_DIR for the CA files, for now). */
export function clusterEnv(dataDir: string, databaseUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    DIST_DIR: join(dataDir, 'no-dist'),
    PUBLIC_URL: 'http://127.0.0.1:8080',
    RATE_LIMIT_SUBMIT: '10000',
    RATE_LIMIT_STATUS: '10000',
    RATE_LIMIT_LOOKUP: '10000',
    ...extra,
  }
}
