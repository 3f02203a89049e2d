/**
 * A bounded HTTP load generator for loopback benchmarks: `concurrency` workers send the same
 * request back to back until `durationMs` has passed or `maxRequests` were sent. Only
 * 127.0.0.1 targets are allowed.
 */
import http from 'node:http'

export interface LoadResult {
  readonly requests: number
  readonly errors: number
  readonly seconds: number
  readonly rps: number
  readonly p50ms: number
  readonly p99ms: number
}

export interface LoadOptions {
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly body?: Buffer
  readonly headers?: Record<string, string>
  readonly concurrency: number
  readonly durationMs: number
  readonly maxRequests?: number
  /** Checks each response body; a false counts as an error. */
  readonly check?: (status: number, body: Buffer) => boolean
  /** Reuse connections (default false: a new connection per request, HTTP/1.0-style, which
   *  single-connection servers like `openssl ocsp -port` need to serve several clients). */
  readonly keepAlive?: boolean
}

export async function load(o: LoadOptions): Promise<LoadResult> {
  const u = new URL(o.url)
  if (u.hostname !== '127.0.0.1') throw new Error('load generator: loopback targets only')
  const agent = new http.Agent({ keepAlive: o.keepAlive ?? false, maxSockets: o.concurrency })
  const latencies: number[] = []
  let sent = 0
  let errors = 0
  const start = performance.now()
  const deadline = start + o.durationMs
  const max = o.maxRequests ?? Number.POSITIVE_INFINITY
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now()
      const req = http.request(
        { agent, host: u.hostname, port: u.port, path: u.pathname + u.search, method: o.method, headers: { ...(o.body ? { 'content-length': String(o.body.length) } : {}), ...o.headers } },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            latencies.push(performance.now() - t0)
            if (o.check && !o.check(res.statusCode ?? 0, Buffer.concat(chunks))) errors++
            resolve()
          })
          res.on('error', () => {
            errors++
            resolve()
          })
        },
      )
      req.on('error', () => {
        errors++
        resolve()
      })
      // Never hang the bench on a stuck server: a request over 5 s counts as an error.
      req.setTimeout(5000, () => req.destroy(new Error('timeout')))
      if (o.body) req.end(o.body)
      else req.end()
    })
  const worker = async () => {
    while (performance.now() < deadline && sent < max) {
      sent++
      await one()
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker))
  const seconds = (performance.now() - start) / 1000
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0
  return { requests: sent, errors, seconds, rps: (sent - errors) / seconds, p50ms: pct(0.5), p99ms: pct(0.99) }
}
