/**
 * `qoltanba verify-login` and `qoltanba verify-cms` check every certificate of the path, not only
 * the signer's: a chain whose intermediate CA the root revoked is refused with ERR_CERT_REVOKED
 * (the message names the CA and depth 1), from CRL files given with `--crl` (offline) — the same
 * files on which `openssl verify -crl_check_all` refuses it. An intermediate nobody answers for is
 * ERR_REVOCATION_UNKNOWN. Refusals are one line, never a stack trace (also from the real binary).
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { buildLoginPayload, createNonce } from '../../../src/verifier/index.ts'
import { freePort } from '../../verifier/helpers/ocsp-responder.ts'
import { OpensslPki, type CaDir, type IssuedCert } from '../../verifier/helpers/openssl-pki.ts'
import { crlFiles, intermediateWithStatus, leafUnder, opensslVerifyAll } from '../../verifier/helpers/path-pki.ts'

const ORIGIN = 'https://portal.example.kz'
let pki: OpensslPki
let root: CaDir
let revokedCa: CaDir
let goodCa: CaDir
let silentCa: CaDir
let leaves: { revoked: IssuedCert; good: IssuedCert; silent: IssuedCert }
let crl: Record<'root' | 'revoked' | 'good' | 'silent', string>

beforeAll(async () => {
  const deadPort = await freePort()
  pki = new OpensslPki()
  root = pki.rootCa('cli-path-root')
  // Nothing listens on the OCSP port: the CRL files are the only answers.
  const status = { ocspUrl: `http://127.0.0.1:${deadPort}/` }
  revokedCa = intermediateWithStatus(pki, root, 'cli-revoked-ca', status)
  goodCa = intermediateWithStatus(pki, root, 'cli-good-ca', status)
  silentCa = intermediateWithStatus(pki, root, 'cli-silent-ca', status)
  leaves = {
    revoked: leafUnder(pki, revokedCa, 'cli-under-revoked', '870101300001'),
    good: leafUnder(pki, goodCa, 'cli-under-good', '870101300002'),
    silent: leafUnder(pki, silentCa, 'cli-under-silent', '870101300003'),
  }
  pki.revoke(root, revokedCa, 'keyCompromise')
  crl = {
    root: crlFiles(pki, root).pemPath,
    revoked: crlFiles(pki, revokedCa).pemPath,
    good: crlFiles(pki, goodCa).pemPath,
    silent: crlFiles(pki, silentCa).pemPath,
  }
})

afterAll(() => pki?.dispose())

const run = (argv: string[]) => runCli(argv)

function file(name: string, bytes: Uint8Array | string): string {
  const path = pki.path(name)
  writeFileSync(path, bytes)
  return path
}

function loginArgs(leaf: IssuedCert, ca: CaDir, crls: string[]): string[] {
  const nonce = createNonce()
  const { bytes } = buildLoginPayload({ origin: ORIGIN, nonce, issuedAt: new Date() })
  const cms = file(`${leaf.name}-${nonce.slice(0, 8)}.p7s`, pki.cmsSign(leaf, bytes, { chain: [ca.certPem] }))
  return ['verify-login', '--cms', cms, '--origin', ORIGIN, `--nonce=${nonce}`, '--anchor', root.certPath, ...crls.flatMap((c) => ['--crl', c]), '--timeout-ms', '2000']
}

function cmsArgs(leaf: IssuedCert, ca: CaDir, crls: string[]): string[] {
  const cms = file(`${leaf.name}-doc.p7s`, pki.cmsSign(leaf, new TextEncoder().encode('Акт №3'), { chain: [ca.certPem] }))
  return ['verify-cms', '--cms', cms, '--anchor', root.certPath, ...crls.flatMap((c) => ['--crl', c]), '--timeout-ms', '2000']
}

const NO_STACK = /^\s+at /m

describe('verify-login and verify-cms check the intermediate CA', () => {
  it('refuse a chain whose CA the root revoked (as openssl verify -crl_check_all does on the same CRL files)', async () => {
    expect(opensslVerifyAll(root, revokedCa, leaves.revoked, [crl.root, crl.revoked]).out).toMatch(/error 23 at 1 depth lookup: certificate revoked/)
    for (const argv of [loginArgs(leaves.revoked, revokedCa, [crl.root, crl.revoked]), cmsArgs(leaves.revoked, revokedCa, [crl.root, crl.revoked])]) {
      const r = await run(argv)
      expect(r.code).toBe(1)
      expect(r.err).toMatch(/^REFUSED ERR_CERT_REVOKED: The CA certificate "[^"]*cli-revoked-ca[^"]*" \(depth 1 of the path\) was revoked/)
      expect(r.err).not.toMatch(NO_STACK)
      expect(r.out).toBe('')
    }
  })

  it('accept the good chain from CRL files alone and report the status of each certificate', async () => {
    expect(opensslVerifyAll(root, goodCa, leaves.good, [crl.root, crl.good]).code).toBe(0)
    const r = await run(cmsArgs(leaves.good, goodCa, [crl.root, crl.good]))
    expect(r.code).toBe(0)
    const report = JSON.parse(r.out) as { chain: Array<{ subject: string }>; revocations: Array<{ status: string; source: string }> }
    expect(report.chain).toHaveLength(3)
    expect(report.revocations.map((a) => [a.status, a.source])).toEqual([['good', 'crl'], ['good', 'crl']])
    expect((await run(loginArgs(leaves.good, goodCa, [crl.root, crl.good]))).code).toBe(0)
  })

  it('refuse with ERR_REVOCATION_UNKNOWN when nothing answers for the CA (no root CRL, OCSP down)', async () => {
    expect(opensslVerifyAll(root, silentCa, leaves.silent, [crl.silent]).out).toMatch(/at 1 depth lookup: unable to get certificate CRL/)
    for (const argv of [loginArgs(leaves.silent, silentCa, [crl.silent]), cmsArgs(leaves.silent, silentCa, [crl.silent])]) {
      const r = await run(argv)
      expect(r.code).toBe(1)
      expect(r.err).toMatch(/^REFUSED ERR_REVOCATION_UNKNOWN: The CA certificate "[^"]*cli-silent-ca[^"]*" \(depth 1 of the path\)/)
      expect(r.err).not.toMatch(NO_STACK)
    }
  })

  it('takes --crl files in PEM or DER and refuses a file that holds no CRL as a usage error', async () => {
    const der = file('root.crl.der', new Uint8Array(pki.crl(root)))
    expect((await run(cmsArgs(leaves.revoked, revokedCa, [der, crl.revoked]))).err).toMatch(/^REFUSED ERR_CERT_REVOKED/)
    const notCrl = await run(cmsArgs(leaves.good, goodCa, [file('not-a.crl', 'hello')]))
    expect(notCrl.code).toBe(2)
    expect(notCrl.err).toMatch(/holds no CRL/)
  })

  it('prints one REFUSED line from the real binary, no stack trace', () => {
    const argv = cmsArgs(leaves.revoked, revokedCa, [crl.root, crl.revoked])
    let stderr = ''
    let status = 0
    try {
      execFileSync(process.execPath, ['bin/qoltanba.js', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (e) {
      const err = e as { status: number; stderr: Buffer }
      status = err.status
      stderr = err.stderr.toString()
    }
    expect(status).toBe(1)
    expect(stderr.trim().split('\n')).toHaveLength(1)
    expect(stderr).toMatch(/^REFUSED ERR_CERT_REVOKED: /)
  })
})
