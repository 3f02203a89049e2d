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

  await server.start()
  let ours: LoadResult
  let oursNonce: LoadResult
  let oursGet: LoadResult
  let oursSerial: LoadResult
  try {
    await run(`${server.url}/ocsp`, plain) // warm-up: JIT, cache fill
    ours = await run(`${server.url}/ocsp`, plain)
    oursNonce = await run(`${server.url}/ocsp`, nonce)
    oursSerial = await load({ url: `${server.url}/ocsp`, method: 'POST', body: plain, headers, concurrency: 1, durationMs, check: successful, keepAlive: true })
    oursGet = await load({ url: `${server.url}/ocsp/${encodeURIComponent(plain.toString('base64'))}`, method: 'GET', concurrency, durationMs, check: successful })
  } finally {
    await server.stop()
  }

  // The same responder key, unencrypted for openssl in a 0600 file inside the bench's temp dir.
  const rkey = join(server.dir, 'ocsp-plain.key')
  execFileSync('openssl', ['pkey', '-in', join(ca, 'ocsp.key'), '-passin', `pass:${server.env.CA_KEY_PASSPHRASE}`, '-out', rkey], { stdio: 'pipe' })
  const index = join(server.dir, 'index.txt')
  writeFileSync(index, `V\t491231235959Z\t\t${serial.toUpperCase()}\tunknown\t/CN=bench\n`)
  const child = spawn('openssl', ['ocsp', '-index', index, '-port', String(opensslPort), '-rsigner', join(ca, 'ocsp.pem'), '-rkey', rkey, '-CA', issuing, '-ndays', '1'], { stdio: 'ignore' })
  try {
    const url = `http://127.0.0.1:${opensslPort}/`
    while (!(await answers(url, plain))) await new Promise((r) => setTimeout(r, 50))
    await run(url, plain)
    const openssl = await run(url, plain)
    const opensslNonce = await run(url, nonce)
    const opensslSerial = await load({ url, method: 'POST', body: plain, headers, concurrency: 1, durationMs, check: successful, keepAlive: true })
    return { ours, oursNonce, oursGet, oursSerial, openssl, opensslNonce, opensslSerial }
  } finally {
    child.kill('SIGKILL')
  }
}
