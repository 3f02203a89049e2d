/**
 * `npm run cluster -- N`: N Registration Center instances on one PostgreSQL behind a local
 * round-robin proxy, to try scale-out on one machine (docs/deploy.md#try-it-locally).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/qoltanba npm run cluster -- 3
 *
 * The proxy listens on PORT (default 8080) and is the PUBLIC_URL; instance i listens on PORT + i.
 * The instances share no files: the CA is in the database (a development one is made there on
 * first use), each has a DATA_DIR of its own under CLUSTER_DIR (default data-cluster), which also
 * holds the shared secrets and the demo operator's PKCS#12. Ctrl-C stops them with SIGTERM (each
 * finishes its requests) and then the proxy.
 */
import { fileURLToPath } from 'node:url'
import { startInstances, stopInstances } from './cluster/instances.ts'
import { startProxy } from './cluster/proxy.ts'

const count = Number(process.argv[2] ?? 3)
if (!Number.isInteger(count) || count < 1 || count > 16) {
  console.error('usage: npm run cluster -- N   (1 to 16 instances)')
  process.exit(2)
}
if (!process.env.DATABASE_URL) {
  console.error('Set DATABASE_URL to a PostgreSQL database the instances share, e.g.\n  DATABASE_URL=postgres://postgres@127.0.0.1:5432/qoltanba npm run cluster -- 3')
  process.exit(2)
}
const port = Number(process.env.PORT ?? 8080)
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${port}`
const instances = await startInstances(count, {
  basePort: port + 1,
  env: {
    ...process.env,
    PUBLIC_URL: publicUrl,
    // The proxy is on this machine: client addresses come from its X-Forwarded-For.
    TRUST_PROXY: process.env.TRUST_PROXY ?? '127.0.0.1',
  },
  cwd: fileURLToPath(new URL('..', import.meta.url)),
  dir: process.env.CLUSTER_DIR ?? 'data-cluster',
  log: (line) => console.info(line),
})
const proxy = await startProxy(instances.map((i) => i.url), port)
console.info(`Qoltanba cluster: ${count} instance(s) behind ${publicUrl} (${instances.map((i) => i.url).join(', ')})`)

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  console.info('Stopping the instances (SIGTERM: each finishes its requests)…')
  await stopInstances(instances)
  await proxy.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
