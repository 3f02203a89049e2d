/**
 * OCSP responses/s: our responder (the real server process) vs `openssl ocsp -index … -port`
 * with the same responder certificate and key, the same canned requests and the same load
 * generator on loopback.
 */
import { spawn, execFileSync } from 'node:child_process'
import { writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { load, type LoadResult } from './load.ts'
import type { BenchServer } from './server.ts'

function successful(status: number, body: Buffer): boolean {
  // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED (0 = successful), responseBytes … }
  const at = body[1] === 0x82 ? 4 : body[1] === 0x81 ? 3 : 2
  return status === 200 && body[at] === 0x0a && body[at + 2] === 0x00 && body.length > 100
}

/** True once the responder answers a real request (a bare TCP probe would wedge `openssl ocsp`). */
async function answers(url: string, body: Buffer): Promise<boolean> {
  try {
    const r = await fetch(url, { method: 'POST', body: new Uint8Array(body), headers: { 'content-type': 'application/ocsp-request', connection: 'close' } })
    await r.arrayBuffer()
    return r.ok
  } catch {
    return false
  }
}

export interface OcspFigures {
  readonly ours: LoadResult
  readonly oursNonce: LoadResult
  readonly oursGet: LoadResult
  /** One keep-alive connection, one request at a time: the other like-for-like setting. */
  readonly oursSerial: LoadResult
  readonly opensslSerial: LoadResult
  readonly openssl: LoadResult
  readonly opensslNonce: LoadResult
}

const ROUNDS = 4

/** Runs a and b in alternating rounds and sums each side's rounds. */
async function alternate(a: () => Promise<LoadResult>, b: () => Promise<LoadResult>): Promise<[LoadResult, LoadResult]> {
  const ra: LoadResult[] = []
  const rb: LoadResult[] = []
  for (let i = 0; i < ROUNDS; i++) {
    ra.push(await a())
    rb.push(await b())
  }
  return [combine(ra), combine(rb)]
}

function combine(rs: readonly LoadResult[]): LoadResult {
  const requests = rs.reduce((n, r) => n + r.requests, 0)
  const errors = rs.reduce((n, r) => n + r.errors, 0)
  const seconds = rs.reduce((n, r) => n + r.seconds, 0)
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0
  return { requests, errors, seconds, rps: (requests - errors) / seconds, p50ms: median(rs.map((r) => r.p50ms)), p99ms: Math.max(...rs.map((r) => r.p99ms)) }
}

/** Runs both responders in turn; `serial` must be a good certificate in the server's database. */
export async function ocspFigures(server: BenchServer, serial: string, opensslPort: number, durationMs: number, concurrency: number): Promise<OcspFigures> {
  const ca = join(server.dir, 'ca')
  const issuing = join(ca, 'issuing.pem')
  const reqPlain = join(server.dir, 'req.der')
  const reqNonce = join(server.dir, 'req-nonce.der')
  execFileSync('openssl', ['ocsp', '-issuer', issuing, '-serial', `0x${serial}`, '-no_nonce', '-reqout', reqPlain], { stdio: 'pipe' })
  execFileSync('openssl', ['ocsp', '-issuer', issuing, '-serial', `0x${serial}`, '-reqout', reqNonce], { stdio: 'pipe' })
  const plain = readFileSync(reqPlain)
  const nonce = readFileSync(reqNonce)
  const headers = { 'content-type': 'application/ocsp-request' }
  const run = (url: string, body: Buffer) => load({ url, method: 'POST', body, headers, concurrency, durationMs, check: successful })

  // The same responder key, unencrypted for openssl in a 0600 file inside the bench's temp dir.
  const rkey = join(server.dir, 'ocsp-plain.key')
  execFileSync('openssl', ['pkey', '-in', join(ca, 'ocsp.key'), '-passin', `pass:${server.env.CA_KEY_PASSPHRASE}`, '-out', rkey], { stdio: 'pipe' })
  const index = join(server.dir, 'index.txt')
  writeFileSync(index, `V\t491231235959Z\t\t${serial.toUpperCase()}\tunknown\t/CN=bench\n`)

  // Both responders up at once, measured in alternating rounds, so the load of a shared machine
  // falls on both alike.
  await server.start()
  const child = spawn('openssl', ['ocsp', '-index', index, '-port', String(opensslPort), '-rsigner', join(ca, 'ocsp.pem'), '-rkey', rkey, '-CA', issuing, '-ndays', '1'], { stdio: 'ignore' })
  try {
    const url = `http://127.0.0.1:${opensslPort}/`
    while (!(await answers(url, plain))) await new Promise((r) => setTimeout(r, 50))
    const oursUrl = `${server.url}/ocsp`
    const round = durationMs / ROUNDS
    const post = (u: string, body: Buffer, keepAlive = false, c = concurrency) => () =>
      load({ url: u, method: 'POST', body, headers, concurrency: c, durationMs: round, check: successful, keepAlive })
    await run(oursUrl, plain) // warm-up: JIT, cache fill
    await run(url, plain)
    const [ours, openssl] = await alternate(post(oursUrl, plain), post(url, plain))
    const [oursNonce, opensslNonce] = await alternate(post(oursUrl, nonce), post(url, nonce))
    const [oursSerial, opensslSerial] = await alternate(post(oursUrl, plain, true, 1), post(url, plain, true, 1))
    const oursGet = await load({ url: `${oursUrl}/${encodeURIComponent(plain.toString('base64'))}`, method: 'GET', concurrency, durationMs, check: successful })
    return { ours, oursNonce, oursGet, oursSerial, openssl, opensslNonce, opensslSerial }
  } finally {
    await server.stop()
    child.kill('SIGKILL')
  }
}
