/**
 * `qoltanba verify-login` and `qoltanba verify-cms` with NCA's GOST keys (issue 23): a GOST-2004
 * login token and document signature under a test GOST root (our code signs the certificates and
 * the CRL given with --crl) are accepted; a revoked certificate and a changed document are refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { signGostCms } from '../../../src/pki/gost/index.ts'
import { buildLoginPayload, createNonce } from '../../../src/verifier/index.ts'
import { buildGostPki, gostCrl, type GostTestCert } from '../../verifier/helpers/gost-pki.ts'

let dir: string
let pki: { root: GostTestCert; leaf: GostTestCert; signer: GostTestCert }
let rootPath: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qoltanba-cli-gost-'))
  pki = await buildGostPki()
  rootPath = file('root.cer', pki.root.der)
})

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

describe('qoltanba verify-login / verify-cms with GOST', () => {
  it('verify-login accepts a GOST-2004 token (revocation from the GOST CRL) and refuses it once the CRL lists it', async () => {
    const nonce = createNonce()
    const { bytes } = buildLoginPayload({ origin: 'https://portal.example.kz', nonce, issuedAt: new Date() })
    const cms = file('login.p7s', signGostCms({ data: bytes, certificate: pki.leaf.der }, pki.leaf.key.key))
    const args = ['verify-login', '--cms', cms, '--origin', 'https://portal.example.kz', `--nonce=${nonce}`, '--anchor', rootPath]
    const ok = await runCli([...args, '--crl', file('empty.crl', gostCrl(pki.root))])
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.out)).toMatchObject({ accepted: true, iin: '123456789011', revocation: { status: 'good' } })
    const revoked = await runCli([...args, '--crl', file('revoked.crl', gostCrl(pki.root, [pki.leaf.serialHex]))])
    expect(revoked.code).toBe(1)
    expect(revoked.err).toMatch(/^REFUSED ERR_CERT_REVOKED/)
  })

  it('verify-cms accepts a GOST document signature and refuses a changed document', async () => {
    const content = new TextEncoder().encode('Құжат')
    const cms = file('doc.p7s', signGostCms({ data: content, certificate: pki.signer.der, detached: true }, pki.signer.key.key))
    const ok = await runCli(['verify-cms', '--cms', cms, '--content', file('doc.txt', content), '--anchor', rootPath, '--no-revocation'])
    expect(ok.code).toBe(0)
    const bad = await runCli(['verify-cms', '--cms', cms, '--content', file('other.txt', 'Құжат!'), '--anchor', rootPath, '--no-revocation'])
    expect(bad.code).toBe(1)
    // RSA says ERR_DOCUMENT_CHANGED here (its SHA-2 messageDigest is compared first); a GOST digest is checked with the signature.
    expect(bad.err).toMatch(/^REFUSED ERR_(SIGNATURE_INVALID|DOCUMENT_CHANGED)/)
  })
})
