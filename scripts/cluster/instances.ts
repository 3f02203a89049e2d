/**
 * Starts and stops server processes for the local cluster and the cluster bench. Each instance
 * has a DATA_DIR of its own (<dir>/instance-<n>): the CA comes from the database, made there
 * first when it has none (prepare-ca.ts), with the shared secrets as files in <dir>.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { clusterSecrets, prepareClusterCa } from './prepare-ca.ts'

export interface ClusterInstance {
  readonly url: string
  readonly child: ChildProcess
}

export interface StartOptions {
  readonly basePort: number
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
  /** The cluster's directory (relative to `cwd`): secrets, the demo operator, the instances' DATA_DIRs. */
  readonly dir: string
  readonly log?: (line: string) => void
  /** Keep the instances' output (default: passed through with a prefix when `log` is set). */
  readonly quiet?: boolean
}

async function waitReady(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the instance at ${url} exited with ${child.exitCode}`)
    const ok = await fetch(`${url}/api/v1/ready`).then((r) => r.ok, () => false)
    if (ok) return
    await new Promise((r) => setTimeout(r, 200))
  }
}

/**
 * Refuses a port something already listens on: a leftover instance there would answer the
 * readiness check for the new one, which then dies unseen (EADDRINUSE) while its clients talk
 * to a server on another database.
 */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolvePort, reject) => {
    const probe = createServer()
    probe.once('error', () => reject(new Error(`port ${port} is in use (a leftover instance?); stop it or choose another base port`)))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePort()))
  })
}

function startOne(index: number, options: StartOptions, env: NodeJS.ProcessEnv): ClusterInstance {
  const port = options.basePort + index
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: options.cwd,
    env: { ...env, DATA_DIR: join(resolve(options.cwd, options.dir), `instance-${index + 1}`), PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', options.quiet ? 'ignore' : 'pipe', options.quiet ? 'ignore' : 'pipe'],
  })
  const prefix = `[${index + 1}] `
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n').filter(Boolean)) options.log?.(prefix + line)
    })
  }
  return { url: `http://127.0.0.1:${port}`, child }
}

export async function startInstances(count: number, options: StartOptions): Promise<ClusterInstance[]> {
  const dir = resolve(options.cwd, options.dir)
  const env = { ...options.env, ...clusterSecrets(dir, options.env) }
  if (await prepareClusterCa(env, dir, options.log ? { log: options.log } : {})) options.log?.(`A development CA was made in the database; the demo operator is in ${dir}.`)
  for (let i = 0; i < count; i++) await assertPortFree(options.basePort + i)
  const all = Array.from({ length: count }, (_, i) => startOne(i, options, env))
  await Promise.all(all.map((i) => waitReady(i.url, i.child)))
  return all
}

export async function stopInstances(instances: readonly ClusterInstance[]): Promise<void> {
  await Promise.all(
    instances.map((i) =>
      i.child.exitCode !== null
        ? undefined
        : new Promise((resolve) => {
            i.child.once('exit', resolve)
            i.child.kill('SIGTERM')
          }),
    ),
  )
}
