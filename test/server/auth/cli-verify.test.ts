/**
 * `qoltanba verify-login` and `qoltanba verify-cms` on OpenSSL-made files: accepted tokens print
 * a JSON report (exit 0), refused ones print `REFUSED <code>` (exit 1).
 */
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { buildLoginPayload, createNonce } from '../../../src/verifier/index.ts'
import { AUTH_EXTENSIONS, OpensslPki, type CaDir, type IssuedCert } from '../../verifier/helpers/openssl-pki.ts'

let pki: OpensslPki
let root: CaDir
let auth: IssuedCert
let signer: IssuedCert

beforeAll(() => {
  pki = new OpensslPki()
  root = pki.rootCa('cli-root')
  auth = pki.issue(root, 'cli-auth', { subject: '/CN=CLI/serialNumber=IIN870101300001/C=KZ', extensions: AUTH_EXTENSIONS, keyType: 'p256' })
  signer = pki.issue(root, 'cli-sign', {
    subject: '/CN=CLI/serialNumber=IIN870101300001/C=KZ',
    extensions: ['keyUsage = critical,digitalSignature,nonRepudiation', 'extendedKeyUsage = emailProtection'],
  })
})

afterAll(() => pki?.dispose())

const run = (argv: string[]) => runCli(argv)

function file(name: string, bytes: Uint8Array | string): string {
  const path = pki.path(name)
  writeFileSync(path, bytes)
  return path
}

describe('qoltanba verify-login', () => {
  it('accepts a token for our origin and nonce and prints the IIN', async () => {
    const nonce = createNonce()
    const { bytes } = buildLoginPayload({ origin: 'https://portal.example.kz', nonce, issuedAt: new Date() })
    const cms = file('login.p7s', pki.cmsSign(auth, bytes))
    const r = await run(['verify-login', '--cms', cms, '--origin', 'https://portal.example.kz', `--nonce=${nonce}`, '--anchor', root.certPath, '--no-revocation'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.out)).toMatchObject({ accepted: true, iin: '870101300001', revocation: { status: 'good', source: 'none' } })
  })

  it('refuses a token made for another origin with ERR_ORIGIN_MISMATCH', async () => {
    const nonce = createNonce()
    const { bytes } = buildLoginPayload({ origin: 'https://evil.example.com', nonce, issuedAt: new Date() })
    const cms = file('evil.p7s', pki.cmsSign(auth, bytes))
    const r = await run(['verify-login', '--cms', cms, '--origin', 'https://portal.example.kz', `--nonce=${nonce}`, '--anchor', root.certPath, '--no-revocation'])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^REFUSED ERR_ORIGIN_MISMATCH/)
  })

  it('refuses a signing certificate (no clientAuth) and fails closed without revocation data', async () => {
    const nonce = createNonce()
    const { bytes } = buildLoginPayload({ origin: 'https://portal.example.kz', nonce, issuedAt: new Date() })
    const bySigner = file('signer.p7s', pki.cmsSign(signer, bytes))
    const wrongKey = await run(['verify-login', '--cms', bySigner, '--origin', 'https://portal.example.kz', `--nonce=${nonce}`, '--anchor', root.certPath, '--no-revocation'])
    expect(wrongKey.err).toMatch(/^REFUSED ERR_WRONG_KEY_USAGE/)
    const byAuth = file('auth.p7s', pki.cmsSign(auth, bytes))
    const noStatus = await run(['verify-login', '--cms', byAuth, '--origin', 'https://portal.example.kz', `--nonce=${nonce}`, '--anchor', root.certPath])
    expect(noStatus.err).toMatch(/^REFUSED ERR_REVOCATION_UNKNOWN/)
  })
})

describe('qoltanba verify-cms', () => {
  it('verifies a detached document signature and refuses it over other content', async () => {
    const doc = new TextEncoder().encode('Договор №1')
    const cms = file('doc.p7s', pki.cmsSign(signer, doc, { detached: true }))
    const content = file('doc.txt', doc)
    const ok = await run(['verify-cms', '--cms', cms, '--content', content, '--anchor', root.certPath, '--no-revocation'])
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.out)).toMatchObject({ accepted: true, contentBytes: doc.length, signer: { iin: '870101300001' } })
    const other = file('other.txt', 'Договор №2')
    const bad = await run(['verify-cms', '--cms', cms, '--content', other, '--anchor', root.certPath, '--no-revocation'])
    expect(bad.code).toBe(1)
    expect(bad.err).toMatch(/^REFUSED ERR_DOCUMENT_CHANGED/)
  })
})
