/**
 * Real server processes (`node --import tsx server/main.ts`) on one PostgreSQL database of their
 * own, for the scale-out tests: a fresh database per suite, free ports, start/stop/kill. The
 * instances share no files: each gets a DATA_DIR of its own (or none), the CA comes from the
 * database — made there before the first start, with the demo operator's PKCS#12 in the
 * cluster's directory — and the secrets (CA key passphrase, server secret) from files there.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { join } from 'node:path'
import pg from 'pg'
import { clusterSecrets, prepareClusterCa } from '../../../scripts/cluster/prepare-ca.ts'
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

/** The CA of each cluster database, made once (prepareClusterCa) before its first instance starts. */
const prepared = new Map<string, Promise<boolean>>()

/** Where an instance keeps its DATA_DIR: its own under the cluster's directory, or none at all. */
export type DataDirChoice = 'own' | 'none'

/**
 * The DATA_DIR of instance `name`: <cluster dir>/instances/<name>, or for 'none' a path that does
 * not exist and must stay so (with DATABASE_URL nothing is read or written there).
 */
export function instanceDataDir(env: NodeJS.ProcessEnv, name: string, choice: DataDirChoice = 'own'): string {
  return join(env.QT_CLUSTER_DIR as string, choice === 'own' ? join('instances', name) : `absent-data-dir-${name}`)
}

/**
 * Starts one instance and waits for /api/v1/health. The first start on a cluster database makes
 * its development CA there first (as `qoltanba ca init --development` would).
 */
export async function startInstance(name: string, env: NodeJS.ProcessEnv, dataDir: DataDirChoice = 'own'): Promise<Instance> {
  const databaseUrl = env.DATABASE_URL as string
  if (!prepared.has(databaseUrl)) prepared.set(databaseUrl, prepareClusterCa(env, env.QT_CLUSTER_DIR as string, { keyIterations: 1000 }))
  await prepared.get(databaseUrl)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let out = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env,
      DATA_DIR: instanceDataDir(env, name, dataDir),
    },
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

/**
 * The environment every instance of a cluster shares: the database and the secrets (files in
 * `dir`, the cluster's directory, which also receives the demo operator's PKCS#12). No DATA_DIR:
 * startInstance gives each instance its own, or none. QT_CLUSTER_DIR is the tests' own.
 */
export function clusterEnv(dir: string, databaseUrl: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    QT_CLUSTER_DIR: dir,
    ...clusterSecrets(dir, {}),
    DATABASE_URL: databaseUrl,
    DIST_DIR: join(dir, 'no-dist'),
    PUBLIC_URL: 'http://127.0.0.1:8080',
    RATE_LIMIT_SUBMIT: '10000',
    RATE_LIMIT_STATUS: '10000',
    RATE_LIMIT_LOOKUP: '10000',
    ...extra,
  }
}
