/**
 * A certificate must be DER (RFC 5280 §4.1; found by the fuzzer, test/fuzz/README.md): a BER
 * variant of an issued certificate keeps its signed part, so it still verifies, but its bytes and
 * fingerprint are not the ones the CA issued. Each case patches an OpenSSL-made certificate (the
 * TBS cases are re-signed with the CA key, so only the encoding is wrong) and records what
 * `openssl x509` and `openssl verify` say of the same bytes. The verifier refuses all of them with
 * ERR_CERT_PROFILE, rule der-encoding; OpenSSL refuses only some (the table says which), and where
 * it reads a BER form we are stricter on purpose, as with time encodings.
 */
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { childrenOf, readTlv, type Tlv } from '../../src/pki/der-reader.ts'
import { acceptWithoutRevocationCheck, parseCertificate, validatePath, verifySignedCms } from '../../src/verifier/index.ts'
import { AUTH_EXTENSIONS, openssl, OpensslPki, type CaDir, type IssuedCert } from './helpers/openssl-pki.ts'
import { personSubject } from './helpers/signin-pki.ts'

let pki: OpensslPki
let root: CaDir
let leaf: IssuedCert

beforeAll(() => {
  pki = new OpensslPki()
  root = pki.rootCa('der-root', { subject: '/C=KZ/O=Qoltanba Test/CN=DER Test Root' })
  leaf = pki.issue(root, 'der-leaf', { subject: personSubject('ТЕСТОВ ТЕСТ', '870101300031'), extensions: AUTH_EXTENSIONS })
})

afterAll(() => pki?.dispose())

const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]))

/** A DER header; `extraLengthOctets` writes the length in that many more octets than needed. */
function header(tag: number, len: number, extraLengthOctets = 0): Uint8Array {
  const octets: number[] = []
  for (let v = len; v > 0; v = Math.floor(v / 256)) octets.unshift(v % 256)
  if (len < 0x80 && extraLengthOctets === 0) return Uint8Array.of(tag, len)
  for (let i = 0; i < extraLengthOctets; i++) octets.unshift(0)
  return Uint8Array.of(tag, 0x80 | octets.length, ...octets)
}

const encoding = (der: Uint8Array, t: Tlv) => der.slice(t.start, t.end)
const value = (der: Uint8Array, t: Tlv) => der.slice(t.valueStart, t.end)
const sequence = (...parts: Uint8Array[]) => concat(header(0x30, parts.reduce((n, p) => n + p.length, 0)), ...parts)

/** tbsCertificate, signatureAlgorithm, signature of a certificate. */
function parts(der: Uint8Array): { tbs: Uint8Array; alg: Uint8Array; sig: Uint8Array; tbsFields: Uint8Array[] } {
  const [tbs, alg, sig] = childrenOf(der, readTlv(der, 0)) as [Tlv, Tlv, Tlv]
  return { tbs: encoding(der, tbs), alg: encoding(der, alg), sig: encoding(der, sig), tbsFields: childrenOf(der, tbs).map((t) => encoding(der, t)) }
}

/** A certificate over `tbs`, signed with the root's key (sha256WithRSAEncryption, as issued). */
function resign(tbs: Uint8Array): Uint8Array {
  const tbsPath = pki.path(`tbs-${Math.random().toString(36).slice(2)}.der`)
  writeFileSync(tbsPath, tbs)
  const signature = new Uint8Array(openssl(['dgst', '-sha256', '-sign', root.keyPath, tbsPath]))
  return sequence(tbs, parts(leaf.der).alg, concat(header(0x03, signature.length + 1), Uint8Array.of(0), signature))
}

function replaceOnce(bytes: Uint8Array, from: number[], to: number[]): Uint8Array {
  const hex = Buffer.from(bytes).toString('hex')
  const at = hex.indexOf(Buffer.from(from).toString('hex'))
  if (at < 0 || at % 2) throw new Error('pattern not found')
  return new Uint8Array(Buffer.from(hex.slice(0, at) + Buffer.from(to).toString('hex') + hex.slice(at + from.length * 2), 'hex'))
}

type Verdict = 'accepts' | 'refuses'

/** Each patch, and what OpenSSL 3.0 says: `openssl x509` (reading) and `openssl verify`. */
const CASES: readonly (readonly [string, (der: Uint8Array) => Uint8Array, Verdict, Verdict])[] = [
  ['signature BIT STRING declaring 1 unused bit', (der) => {
    const out = der.slice()
    const sig = childrenOf(der, readTlv(der, 0))[2] as Tlv
    out[sig.valueStart] = 1 // the signature octets stay as signed
    return out
  }, 'accepts', 'refuses'],
  ['outer length in long form one octet too long', (der) => {
    const { tbs, alg, sig } = parts(der)
    const body = concat(tbs, alg, sig)
    return concat(header(0x30, body.length, 1), body)
  }, 'accepts', 'accepts'],
  ['signatureAlgorithm length in long form for a short value', (der) => {
    const { tbs, alg, sig } = parts(der)
    const algTlv = readTlv(alg, 0)
    return sequence(tbs, concat(header(0x30, algTlv.end - algTlv.valueStart, 1), value(alg, algTlv)), sig)
  }, 'accepts', 'accepts'],
  ['signature BIT STRING length one octet too long', (der) => {
    const { tbs, alg, sig } = parts(der)
    const sigTlv = readTlv(sig, 0)
    return sequence(tbs, alg, concat(header(0x03, sigTlv.end - sigTlv.valueStart, 1), value(sig, sigTlv)))
  }, 'accepts', 'accepts'],
  ['indefinite outer length', (der) => {
    const { tbs, alg, sig } = parts(der)
    return concat(Uint8Array.of(0x30, 0x80), tbs, alg, sig, Uint8Array.of(0, 0))
  }, 'accepts', 'accepts'],
  ['trailing bytes after the certificate', (der) => concat(der, Uint8Array.of(0x05, 0x00)), 'accepts', 'accepts'],
  ['BOOLEAN 0x01 for basicConstraints critical (re-signed)', (der) => resign(replaceOnce(parts(der).tbs, [0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff], [0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0x01])), 'accepts', 'accepts'],
  ['issuer Name length in long form inside tbsCertificate (re-signed)', (der) => {
    const { tbsFields } = parts(der)
    const issuer = tbsFields[3] as Uint8Array
    const t = readTlv(issuer, 0)
    tbsFields[3] = concat(header(0x30, t.end - t.valueStart, 1), value(issuer, t))
    return resign(sequence(...tbsFields))
  }, 'accepts', 'accepts'],
  ['serial INTEGER with a superfluous leading zero (re-signed)', (der) => {
    const { tbsFields } = parts(der)
    const serial = tbsFields[1] as Uint8Array
    const t = readTlv(serial, 0)
    tbsFields[1] = concat(header(0x02, t.end - t.valueStart + 1), Uint8Array.of(0), value(serial, t))
    return resign(sequence(...tbsFields))
  }, 'refuses', 'refuses'],
]

const TABLE = CASES.map(([name, patch, x509, verify]) => ({ name, patch, x509, verify }))

function toPem(der: Uint8Array): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`
}

function opensslVerdicts(der: Uint8Array): [Verdict, Verdict] {
  const name = `case-${Math.random().toString(36).slice(2)}`
  const derPath = pki.path(`${name}.der`)
  const pemPath = pki.path(`${name}.pem`)
  writeFileSync(derPath, der)
  writeFileSync(pemPath, toPem(der))
  const verdict = (args: string[]): Verdict => {
    try {
      openssl(args)
      return 'accepts'
    } catch {
      return 'refuses'
    }
  }
  return [verdict(['x509', '-inform', 'DER', '-in', derPath, '-noout']), verdict(['verify', '-CAfile', root.certPath, pemPath])]
}

async function ours(der: Uint8Array): Promise<string> {
  try {
    await validatePath({ leaf: parseCertificate(der), intermediates: [], anchors: [parseCertificate(root.der)], now: new Date() })
    return 'ok'
  } catch (e) {
    const err = e as { code?: string; details?: { rule?: string } }
    return err.details?.rule ? `${err.code}:${err.details.rule}` : String(err.code ?? e)
  }
}

describe('a certificate must be DER', () => {
  it('accepts the certificate as issued, and as re-signed unchanged (controls)', async () => {
    expect(opensslVerdicts(leaf.der)).toEqual(['accepts', 'accepts'])
    expect(await ours(leaf.der)).toBe('ok')
    const again = resign(parts(leaf.der).tbs)
    expect(opensslVerdicts(again)).toEqual(['accepts', 'accepts'])
    expect(await ours(again)).toBe('ok')
  })

  it.each(TABLE)('$name: refused (OpenSSL: x509 $x509, verify $verify)', async ({ patch, x509, verify }) => {
    const der = patch(leaf.der)
    expect(opensslVerdicts(der)).toEqual([x509, verify])
    expect(await ours(der)).toBe('ERR_CERT_PROFILE:der-encoding')
  })

  it('refuses a CMS whose signer certificate was re-encoded with an unused bit (the fuzzer’s find)', async () => {
    const content = new TextEncoder().encode('a document')
    const cms = pki.cmsSign(leaf, content)
    const ok = await verifySignedCms({ cms, trustAnchors: [root.der], revocation: acceptWithoutRevocationCheck })
    expect(ok.signer.der).toEqual(leaf.der)
    const patched = (CASES[0] as (typeof CASES)[number])[1](leaf.der)
    const tampered = replaceOnce(cms, [...leaf.der], [...patched])
    await expect(verifySignedCms({ cms: tampered, trustAnchors: [root.der], revocation: acceptWithoutRevocationCheck })).rejects.toMatchObject({
      code: 'ERR_CERT_PROFILE',
      details: { rule: 'der-encoding' },
    })
  })
})
