/**
 * Runs `openssl ocsp` as a real foreign OCSP responder on loopback for the lifetime of a test
 * file, bounded by a request count and stopped explicitly by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import type { CaDir } from './openssl-pki.ts'

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

/**
 * Waits for the responder's "waiting for OCSP client connections" line. A TCP probe would not do:
 * the single-threaded responder then blocks reading the probe connection.
 */
async function waitUntilListening(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => reject(new Error('openssl ocsp did not start listening')), 10_000)
    child.once('exit', (code) => reject(new Error(`openssl ocsp exited with ${code}`)))
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      if (seen.includes('waiting for OCSP client connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
}

/** Starts `openssl ocsp -index` for `ca` (signing with the CA key) on `port`. */
export async function startOcspResponder(ca: CaDir, port: number, maxRequests = 200): Promise<{ stop: () => void }> {
  const child = spawn(
    'openssl',
    ['ocsp', '-index', `${ca.dir}/index.txt`, '-port', String(port), '-rsigner', ca.certPath, '-rkey', ca.keyPath, '-CA', ca.certPath,
      '-nrequest', String(maxRequests), '-ignore_err'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  await waitUntilListening(child)
  child.stderr?.resume()
  return {
    stop: () => {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM')
    },
  }
}
