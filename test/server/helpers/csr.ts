/**
 * CSRs made by OpenSSL (the independent implementation), for submitting to the server in tests.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type KeyKind = 'rsa2048' | 'rsa1024' | 'p256' | 'p384' | 'p521'

const NEWKEY: Record<KeyKind, string[]> = {
  rsa2048: ['-newkey', 'rsa:2048'],
  rsa1024: ['-newkey', 'rsa:1024'],
  p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  p521: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'],
}

export interface OpensslCsr {
  readonly pem: string
  readonly keyPem: string
  readonly der: Buffer
}

/** `openssl req -new -newkey … -nodes -subj …`: a fresh key and its CSR. */
export function opensslCsr(kind: KeyKind, subj = '/CN=TEST/C=KZ'): OpensslCsr {
  const dir = mkdtempSync(join(tmpdir(), 'qt-csr-'))
  try {
    const csr = join(dir, 'req.pem')
    const key = join(dir, 'key.pem')
    execFileSync('openssl', ['req', '-new', ...NEWKEY[kind], '-nodes', '-keyout', key, '-out', csr, '-subj', subj, '-utf8', '-sha256'], { stdio: 'pipe' })
    const pem = readFileSync(csr, 'utf8')
    const der = execFileSync('openssl', ['req', '-in', csr, '-outform', 'DER'], { stdio: ['ignore', 'pipe', 'pipe'] })
    return { pem, keyPem: readFileSync(key, 'utf8'), der }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The CSR with one byte of its signature flipped (the signature BIT STRING ends the DER). */
export function withBadSignature(csr: OpensslCsr): string {
  const der = Buffer.from(csr.der)
  der[der.length - 5] = (der[der.length - 5] as number) ^ 0x01
  return der.toString('base64')
}
