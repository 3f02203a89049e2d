/**
 * `qoltanba verify-cms` on signed documents: CAdES-T (a timestamp token from `openssl ts -reply`),
 * two signers (`openssl cms -resign`), the detached document given by its SHA-256, and a changed
 * document refused with ERR_DOCUMENT_CHANGED naming the signer.
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { OpensslPki, openssl, type CaDir, type IssuedCert } from '../../verifier/helpers/openssl-pki.ts'
import { OpensslTsa, TSA_EXTENSIONS } from '../../verifier/helpers/openssl-tsa.ts'
import { personSubject } from '../../verifier/helpers/signin-pki.ts'

const SIGN = ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,nonRepudiation', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid']
let pki: OpensslPki
let root: CaDir
let a: IssuedCert
let b: IssuedCert
let tsa: OpensslTsa
const doc = new TextEncoder().encode('Келісімшарт / Договор 7')

beforeAll(() => {
  pki = new OpensslPki()
  root = pki.rootCa('cades-cli-root')
  a = pki.issue(root, 'cades-cli-a', { subject: personSubject('АЙДАРОВ АЙДАР', '870101300101'), extensions: SIGN })
  b = pki.issue(root, 'cades-cli-b', { subject: personSubject('БЕКОВА БЕКА', '870101300112'), extensions: SIGN, keyType: 'p256' })
  tsa = new OpensslTsa(pki, pki.issue(root, 'cades-cli-tsa', { subject: '/CN=CLI TSA', extensions: TSA_EXTENSIONS }), root)
})

afterAll(() => pki?.dispose())

function file(name: string, bytes: Uint8Array): string {
  const path = pki.path(name)
  writeFileSync(path, bytes)
  return path
}

/** A detached CAdES signature by `a`, co-signed by `b` (`openssl cms -resign`), each with a signature timestamp. */
function twoSignersTimestamped(): Uint8Array {
  const first = file('cli-first.p7s', openssl(['cms', '-sign', '-binary', '-cades', '-md', 'sha256', '-in', file('cli-doc', doc), '-signer', a.certPath, '-inkey', a.keyPath, '-outform', 'DER']))
  const both = new Uint8Array(openssl(['cms', '-resign', '-binary', '-cades', '-md', 'sha256', '-inform', 'DER', '-in', first, '-content', pki.path('cli-doc'), '-signer', b.certPath, '-inkey', b.keyPath, '-outform', 'DER']))
  return tsa.timestamp(tsa.timestamp(both, 0), 1)
}

describe('qoltanba verify-cms: CAdES-T and several signers', () => {
  it('reports each signer with its timestamp, for the document as a file and as its SHA-256', async () => {
    const cms = file('two.p7s', twoSignersTimestamped())
    const crl = file('root.crl', pki.crl(root))
    const sha = createHash('sha256').update(doc).digest('hex')
    for (const given of [['--content', pki.path('cli-doc')], ['--content-sha256', sha]]) {
      const r = await runCli(['verify-cms', '--cms', cms, ...given, '--anchor', root.certPath, '--crl', crl])
      expect(r.err).toBe('')
      expect(r.code).toBe(0)
      const report = JSON.parse(r.out) as { document: { sha256: string }; signers: Array<{ valid: boolean; level: string; signer: { iin: string }; timestamp: { tsa: string } | null }> }
      expect(report.document.sha256).toBe(sha)
      expect(report.signers.map((s) => `${s.signer.iin} ${s.level} ${s.valid}`).sort()).toEqual(['870101300101 CAdES-T true', '870101300112 CAdES-T true'])
      expect(report.signers.every((s) => s.timestamp?.tsa.includes('CLI TSA'))).toBe(true)
    }
  })

  it('refuses a document changed by one byte with ERR_DOCUMENT_CHANGED, for every signer', async () => {
    const cms = file('two-b.p7s', twoSignersTimestamped())
    const changed = doc.slice()
    changed[0] = (changed[0] as number) ^ 0x20
    const r = await runCli(['verify-cms', '--cms', cms, '--content', file('changed', changed), '--anchor', root.certPath, '--no-revocation'])
    expect(r.code).toBe(1)
    expect(r.out).toBe('')
    expect(r.err.split('\n')).toHaveLength(2)
    expect(r.err).toMatch(/^REFUSED ERR_DOCUMENT_CHANGED: /)
    expect(r.err).toMatch(/\n {2}signer 2: ERR_DOCUMENT_CHANGED: /)
  })

  it('refuses a detached signature without its document, and a malformed --content-sha256', async () => {
    const cms = file('alone.p7s', twoSignersTimestamped())
    const r = await runCli(['verify-cms', '--cms', cms, '--anchor', root.certPath, '--no-revocation'])
    expect(r.err).toMatch(/^REFUSED ERR_DOCUMENT_REQUIRED: /)
    const bad = await runCli(['verify-cms', '--cms', cms, '--content-sha256', 'abc', '--anchor', root.certPath, '--no-revocation'])
    expect(bad.code).not.toBe(0)
    expect(bad.err).toMatch(/content-sha256/)
  })
})
