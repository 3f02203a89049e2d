/**
 * Starts and stops server processes for the local cluster and the cluster bench: the first
 * instance alone (on a fresh DATA_DIR it creates the development CA), the others together.
 */
import { spawn, type ChildProcess } from 'node:child_process'

export interface ClusterInstance {
  readonly url: string
  readonly child: ChildProcess
}

export interface StartOptions {
  readonly basePort: number
  readonly env: NodeJS.ProcessEnv
  readonly cwd: string
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

function startOne(index: number, options: StartOptions): ClusterInstance {
  const port = options.basePort + index
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: options.cwd,
    env: { ...options.env, PORT: String(port), HOST: '127.0.0.1' },
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
  const first = startOne(0, options)
  await waitReady(first.url, first.child)
  const rest = Array.from({ length: count - 1 }, (_, i) => startOne(i + 1, options))
  await Promise.all(rest.map((i) => waitReady(i.url, i.child)))
  return [first, ...rest]
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
