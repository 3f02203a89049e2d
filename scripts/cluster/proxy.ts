/**
 * A tiny round-robin HTTP reverse proxy for the local cluster (`npm run cluster`): requests go to
 * the instances whose /api/v1/ready answers 200 (checked every second), with X-Forwarded-For and
 * X-Forwarded-Proto set as nginx would, and a failed connection is retried on the next instance
 * for idempotent methods. For trying scale-out on one machine; production uses nginx or Caddy
 * (docs/deploy.md).
 */
import { request, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'])

export interface ClusterProxy {
  readonly server: Server
  /** Upstreams currently ready. */
  ready(): string[]
  close(): Promise<void>
}

export async function startProxy(upstreams: readonly string[], port: number, host = '127.0.0.1'): Promise<ClusterProxy> {
  let ready = new Set(upstreams)
  let next = 0
  const check = async () => {
    const answers = await Promise.all(
      upstreams.map((u) => fetch(`${u}/api/v1/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)),
    )
    ready = new Set(upstreams.filter((_, i) => answers[i]))
  }
  const timer = setInterval(() => void check(), 1000)
  timer.unref()

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tried: number) => {
    const pool = upstreams.filter((u) => ready.has(u))
    if (!pool.length || tried >= pool.length) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' })
      res.end('{"error":{"code":"ERR_NOT_READY","message":"no instance is ready"}}')
      return
    }
    const target = new URL(pool[next++ % pool.length] as string)
    const headers = { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '', 'x-forwarded-proto': 'http', connection: 'keep-alive' }
    const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    up.on('error', () => {
      // Connection refused or reset before an answer (an instance going away): another one may
      // take an idempotent request; anything else fails cleanly, for the client to decide.
      if (!res.headersSent && IDEMPOTENT.has(req.method ?? '')) return forward(req, res, body, tried + 1)
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' })
      res.end('{"error":{"code":"ERR_INTERNAL","message":"the instance did not answer"}}')
    })
    up.end(body)
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 0))
  })
  await new Promise<void>((resolve) => server.listen(port, host, resolve))
  await check()
  return {
    server,
    ready: () => [...ready],
    close: () => {
      clearInterval(timer)
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
