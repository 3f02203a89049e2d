/**
 * Outside bytes that are not a sign-in token: each must end in a QoltanbaError with a code
 * (ERR_MALFORMED, or the specific refusal), never in asn1js's AsnError, atob's DOMException or a
 * TypeError — a relying party maps codes to answers, and the login route turned the others into
 * 500s. Also: a valid signature by a trusted certificate over content that is not id-data (here
 * typed as a timestamp token) is no sign-in (ERR_WRONG_CONTENT_TYPE).
 */
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QoltanbaError } from '../../src/core/errors.ts'
import { MAX_CMS_TEXT } from '../../src/verifier/cms-signature.ts'
import { childrenOf, readTlv, type Tlv } from '../../src/pki/der-reader.ts'
import {
  acceptWithoutRevocationCheck,
  buildLoginPayload,
  createNonce,
  createTrustStore,
  parseSignedData,
  verifyLoginCms,
  verifySignedCms,
  type TrustStore,
} from '../../src/verifier/index.ts'
import { AUTH_EXTENSIONS, OpensslPki, openssl, type CaDir, type IssuedCert } from './helpers/openssl-pki.ts'
import { personSubject } from './helpers/signin-pki.ts'

const ORIGIN = 'https://rc.example.kz'
const TST_INFO = '1.2.840.113549.1.9.16.1.4'

let pki: OpensslPki
let issuing: CaDir
let leaf: IssuedCert
let store: TrustStore

beforeAll(() => {
  pki = new OpensslPki()
  const root = pki.rootCa('hostile-root')
  issuing = pki.intermediateCa(root, 'hostile-issuing', { pathLen: 0 })
  leaf = pki.issue(issuing, 'hostile-leaf', { subject: personSubject('ТЕСТОВ ТЕСТ', '870101300001'), extensions: AUTH_EXTENSIONS, keyType: 'p256' })
  store = createTrustStore([root.der])
})

afterAll(() => pki?.dispose())

function issue() {
  return buildLoginPayload({ origin: ORIGIN, nonce: createNonce(), issuedAt: new Date() })
}

/** `openssl cms -sign` over `content` with the chain; `extra` adds options (-stream, -econtent_type …). */
function sign(content: Uint8Array, extra: string[] = []): Uint8Array {
  const input = pki.path(`hostile-${Math.random().toString(36).slice(2)}.bin`)
  writeFileSync(input, content)
  const chain = pki.path('hostile-chain.pem')
  writeFileSync(chain, issuing.certPem)
  return new Uint8Array(
    openssl(['cms', '-sign', '-binary', '-nodetach', '-md', 'sha256', '-in', input, '-signer', leaf.certPath, '-inkey', leaf.keyPath, '-certfile', chain, '-outform', 'DER', ...extra]),
  )
}

/** The first RDN (a SET, tag 0x31) of the SignerInfo's issuer, as an offset into the DER. */
function signerIssuerFirstRdn(der: Uint8Array): number {
  const [, explicit] = childrenOf(der, readTlv(der, 0))
  const [sd] = childrenOf(der, explicit as Tlv)
  const parts = childrenOf(der, sd as Tlv)
  const [signerInfo] = childrenOf(der, parts[parts.length - 1] as Tlv)
  const [, sid] = childrenOf(der, signerInfo as Tlv)
  const [issuer] = childrenOf(der, sid as Tlv)
  const [rdn] = childrenOf(der, issuer as Tlv)
  return (rdn as Tlv).start
}

async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run()
  } catch (e) {
    if (e instanceof QoltanbaError) return e.code
    return `untyped ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`
  }
  return 'accepted'
}

function login(cms: Uint8Array | string, bytes: Uint8Array) {
  return verifyLoginCms({ cms, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: store, revocation: acceptWithoutRevocationCheck })
}

describe('parseSignedData / verifyLoginCms: text that is no CMS', () => {
  it.each([
    ['17 letters (base64 length 1 mod 4)', 'abcdefghijklmnopq'],
    ['a PEM header and footer with no body', '-----BEGIN CMS-----\n-----END CMS-----\n'],
    ['a PEM header alone', '-----BEGIN CMS-----'],
    ['a PEM body of length 1 mod 4', '-----BEGIN CMS-----\nQUJD\nQ\n-----END CMS-----'],
    ['misplaced padding', 'QUJDR=='],
    ['padding only', '=='],
    ['an empty string', ''],
    ['no bytes', new Uint8Array(0)],
    ['a lone SEQUENCE tag', new Uint8Array([0x30])],
    ['an indefinite SEQUENCE with nothing in it', new Uint8Array([0x30, 0x80])],
    // A lazy BEGIN…END regex scanned to the end of the text from every header: quadratic, 15 s
    // for the first on a shared CI core, minutes (past the test timeout) for the second.
    ['as many PEM headers without an END line as the limit holds', '-----BEGIN CMS-----'.repeat(Math.floor(MAX_CMS_TEXT / 19))],
    ['four times that', '-----BEGIN CMS-----'.repeat(Math.floor((4 * MAX_CMS_TEXT) / 19))],
  ])('%s is ERR_MALFORMED', async (_name, input) => {
    expect(await codeOf(() => parseSignedData(input))).toBe('ERR_MALFORMED')
    expect(await codeOf(() => login(input, issue().bytes))).toBe('ERR_MALFORMED')
  })
})

describe('verifyLoginCms: a SignerInfo issuer that is not a Name', () => {
  // The first RDN's SET tag made a SEQUENCE, an OCTET STRING, … : the DER reader takes the
  // SignerInfo, and the issuer only fails when it is compared with the certificate's as a Name.
  it.each([
    ['SEQUENCE', 0x30],
    ['OCTET STRING', 0x04],
    ['UTF8String', 0x0c],
    ['[0]', 0xa0],
    ['NULL', 0x05],
  ])('first RDN tagged %s: ERR_MALFORMED', async (_name, tag) => {
    const { bytes } = issue()
    const der = sign(bytes)
    await expect(login(der, bytes)).resolves.toMatchObject({ iin: '870101300001' })
    const patched = der.slice()
    const at = signerIssuerFirstRdn(patched)
    expect(patched[at]).toBe(0x31)
    patched[at] = tag
    expect(await codeOf(() => parseSignedData(patched))).toBe('ERR_MALFORMED')
    expect(await codeOf(() => login(patched, bytes))).toBe('ERR_MALFORMED')
    expect(await codeOf(() => login(Buffer.from(patched).toString('base64'), bytes))).toBe('ERR_MALFORMED')
  })
})

describe('verifyLoginCms: every single-byte change of a real token', () => {
  // Exhaustive over positions, two values each: a change anywhere (lengths, tags, OIDs, names,
  // keys, the signature) must give a code. Deterministic, so a failure names its position.
  // The pkijs path costs milliseconds per parse: one change per byte there, two on the fast path.
  it.each([
    ['DER (fast path)', [] as string[], [0xff, 0x01]],
    ['BER indefinite lengths (pkijs path, as NCALayer writes)', ['-stream'], [0xff]],
  ])('%s', async (_name, extra, masks) => {
    const { bytes } = issue()
    const der = sign(bytes, extra)
    const untyped: string[] = []
    for (let i = 0; i < der.length; i++) {
      for (const value of masks.map((m) => (der[i] as number) ^ m)) {
        const mutated = der.slice()
        mutated[i] = value
        const code = await codeOf(() => login(mutated, bytes))
        // Accepted changes exist and are fine: the content is compared byte for byte with the
        // issued payload, and some bytes are not signed (the signer identifier, matched as an
        // RFC 5280 name, case-insensitively; the outer signature algorithm of the chain).
        if (code.startsWith('untyped')) untyped.push(`byte ${i} = 0x${value.toString(16)}: ${code}`)
      }
    }
    expect(untyped).toEqual([])
  })
})

describe('verifyLoginCms / verifySignedCms: content that is not id-data', () => {
  it('refuses a valid signature by a trusted certificate over the payload typed as a timestamp token (id-ct-TSTInfo)', async () => {
    const { bytes } = issue()
    const cms = sign(bytes, ['-econtent_type', TST_INFO])
    expect(parseSignedData(cms).contentType).toBe(TST_INFO)
    await expect(login(cms, bytes)).rejects.toMatchObject({ code: 'ERR_WRONG_CONTENT_TYPE', details: { contentType: TST_INFO } })
    expect(parseSignedData(sign(bytes)).contentType).toBe('1.2.840.113549.1.7.1')
  })

  it('verifySignedCms takes id-data only unless the caller lists other content types', async () => {
    const content = new TextEncoder().encode('a document')
    const cms = sign(content, ['-econtent_type', TST_INFO])
    const verify = (contentTypes?: string[]) =>
      verifySignedCms({ cms, trustAnchors: store, revocation: acceptWithoutRevocationCheck, ...(contentTypes ? { contentTypes } : {}) })
    await expect(verify()).rejects.toMatchObject({ code: 'ERR_WRONG_CONTENT_TYPE' })
    await expect(verify([TST_INFO])).resolves.toMatchObject({ content })
    await expect(verifySignedCms({ cms: sign(content), trustAnchors: store, revocation: acceptWithoutRevocationCheck })).resolves.toMatchObject({ content })
  })
})
