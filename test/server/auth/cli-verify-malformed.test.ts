/**
 * `qoltanba verify-login` / `verify-cms` on files that are no CMS: a refusal with a code
 * (`REFUSED ERR_MALFORMED: …`, exit 1), never `Error: Invalid character` from a DOMException or
 * an asn1js message; and a timestamp-typed signature is `REFUSED ERR_WRONG_CONTENT_TYPE`.
 */
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../../server/cli/main.ts'
import { childrenOf, readTlv, type Tlv } from '../../../src/pki/der-reader.ts'
import { openssl, OpensslPki, type CaDir, type IssuedCert } from '../../verifier/helpers/openssl-pki.ts'

let pki: OpensslPki
let root: CaDir
let signer: IssuedCert

beforeAll(() => {
  pki = new OpensslPki()
  root = pki.rootCa('cli-malformed-root')
  signer = pki.issue(root, 'cli-malformed-sign', {
    subject: '/CN=CLI/serialNumber=IIN870101300001/C=KZ',
    extensions: ['keyUsage = critical,digitalSignature,nonRepudiation', 'extendedKeyUsage = clientAuth'],
    keyType: 'p256',
  })
})

afterAll(() => pki?.dispose())

async function run(argv: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = []
  const code = await main(argv, { out: () => {}, err: (l) => err.push(l) }, {})
  return { code, err: err.join('\n') }
}

function file(name: string, bytes: Uint8Array | string): string {
  writeFileSync(pki.path(name), bytes)
  return pki.path(name)
}

function signed(extra: string[] = []): Uint8Array {
  const input = file(`content-${extra.length}.txt`, 'a document')
  return new Uint8Array(openssl(['cms', '-sign', '-binary', '-nodetach', '-in', input, '-signer', signer.certPath, '-inkey', signer.keyPath, '-outform', 'DER', ...extra]))
}

/** The token with its SignerInfo issuer's first RDN tagged SEQUENCE instead of SET. */
function brokenIssuer(): Uint8Array {
  const der = signed()
  const sd = childrenOf(der, childrenOf(der, childrenOf(der, readTlv(der, 0))[1] as Tlv)[0] as Tlv)
  const [signerInfo] = childrenOf(der, sd[sd.length - 1] as Tlv)
  const [issuer] = childrenOf(der, childrenOf(der, signerInfo as Tlv)[1] as Tlv)
  der[(childrenOf(der, issuer as Tlv)[0] as Tlv).start] = 0x30
  return der
}

const inputs: Array<[string, () => Uint8Array | string]> = [
  ['17 letters', () => 'abcdefghijklmnopq'],
  ['a PEM header and footer with no body', () => '-----BEGIN CMS-----\n-----END CMS-----\n'],
  ['a SignerInfo issuer that is not a Name', brokenIssuer],
]

describe.each(['verify-cms', 'verify-login'])('qoltanba %s on a file that is no CMS', (command) => {
  it.each(inputs)('%s: REFUSED ERR_MALFORMED, exit 1', async (name, bytes) => {
    const cms = file(`${command}-${name.replace(/\W+/g, '-')}.p7s`, bytes())
    const extra = command === 'verify-login' ? ['--origin', 'https://portal.example.kz', '--nonce=abc'] : []
    const r = await run([command, '--cms', cms, ...extra, '--anchor', root.certPath, '--no-revocation'])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^REFUSED ERR_MALFORMED: /)
  })
})

describe('qoltanba verify-cms on a signature over a timestamp-typed content', () => {
  it('REFUSED ERR_WRONG_CONTENT_TYPE', async () => {
    const cms = file('tst.p7s', signed(['-econtent_type', '1.2.840.113549.1.9.16.1.4']))
    const r = await run(['verify-cms', '--cms', cms, '--anchor', root.certPath, '--no-revocation'])
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^REFUSED ERR_WRONG_CONTENT_TYPE: /)
    const ok = await run(['verify-cms', '--cms', file('data.p7s', signed()), '--anchor', root.certPath, '--no-revocation'])
    expect(ok.code).toBe(0)
  })
})
