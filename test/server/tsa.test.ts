/**
 * The RFC 3161 timestamp authority at POST /tsp, on PGlite and PostgreSQL, with OpenSSL as the
 * independent checker: `openssl ts -query` requests are answered with tokens that `openssl ts
 * -reply -text` reads and `openssl ts -verify` accepts (with and without certReq and nonce, SHA-256
 * and SHA-512); concurrent requests get distinct serials; every refusal is a TimeStampResp with
 * status rejection and the failInfo RFC 3161 names, and consumes no serial.
 */
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AlgorithmOid, EkuOid } from '../../src/pki/oids.ts'
import { FailInfo, type FailInfoName } from '../../server/tsa/tsp-der.ts'
import { bool, int, NULL, octetString, oid, seq } from '../../server/ca/der.ts'
import { DB_KINDS, openssl, opensslAll } from './ca/helpers.ts'
import { postTsp, setupTsa, type TsaFixture } from './tsa-fixture.ts'

/** A granted token's TSTInfo and SignedData, read with pkijs. */
function readToken(der: Uint8Array<ArrayBuffer>): { tst: pkijs.TSTInfo; signed: pkijs.SignedData } {
  const resp = pkijs.TimeStampResp.fromBER(der)
  expect(resp.status.status).toBe(pkijs.PKIStatus.granted)
  const signed = new pkijs.SignedData({ schema: (resp.timeStampToken as pkijs.ContentInfo).content })
  const content = signed.encapContentInfo.eContent as asn1js.OctetString
  return { tst: pkijs.TSTInfo.fromBER(content.getValue()), signed }
}

/** The failInfo bit of a rejection (and checks the status is rejection). */
function failInfoOf(der: Uint8Array<ArrayBuffer>): FailInfoName | undefined {
  const resp = pkijs.TimeStampResp.fromBER(der)
  expect(resp.status.status).toBe(pkijs.PKIStatus.rejection)
  expect(resp.timeStampToken).toBeUndefined()
  const bits = resp.status.failInfo
  if (!bits) return undefined
  const bytes = bits.valueBlock.valueHexView
  const set = Object.entries(FailInfo).filter(([, bit]) => ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0)
  expect(set.length).toBe(1)
  return set[0]?.[0] as FailInfoName
}

function request(fields: { hash?: string; digest?: Uint8Array<ArrayBuffer>; version?: number; policy?: string; extension?: boolean; nonce?: bigint }): Buffer<ArrayBuffer> {
  const req = new pkijs.TimeStampReq({
    version: fields.version ?? 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: fields.hash ?? AlgorithmOid.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: fields.digest ?? createHash('sha256').update('x').digest() }),
    }),
    ...(fields.policy ? { reqPolicy: fields.policy } : {}),
    ...(fields.nonce !== undefined ? { nonce: asn1js.Integer.fromBigInt(fields.nonce) } : {}),
    certReq: true,
    ...(fields.extension ? { extensions: [new pkijs.Extension({ extnID: '1.2.3.4', extnValue: new asn1js.Null().toBER() })] } : {}),
  })
  return Buffer.from(req.toSchema().toBER(false)) as Buffer<ArrayBuffer>
}

/** A TimeStampReq written field by field, for encodings pkijs would not produce. */
function rawRequest(...fields: Buffer[]): Buffer<ArrayBuffer> {
  return seq(int(1), seq(seq(oid(AlgorithmOid.sha256), NULL), octetString(new Uint8Array(32))), ...fields) as Buffer<ArrayBuffer>
}

describe.each(DB_KINDS)('timestamp authority at /tsp (%s)', (kind) => {
  let f: TsaFixture
  let tmp: string
  beforeAll(async () => {
    f = await setupTsa(kind)
    tmp = f.dir
    writeFileSync(join(tmp, 'document.txt'), 'Келісімшарт № 7\n')
  }, 120_000)
  afterAll(async () => {
    await f?.close()
  })

  it.each([
    { hash: 'sha256', certReq: true, nonce: true },
    { hash: 'sha256', certReq: false, nonce: false },
    { hash: 'sha512', certReq: true, nonce: false },
    { hash: 'sha512', certReq: false, nonce: true },
  ])('openssl ts -reply reads and -verify accepts a token ($hash, certReq $certReq, nonce $nonce)', async ({ hash, certReq, nonce }) => {
    const name = `${hash}-${certReq}-${nonce}`
    const tsq = join(tmp, `${name}.tsq`)
    const tsr = join(tmp, `${name}.tsr`)
    const q = openssl(['ts', '-query', '-data', join(tmp, 'document.txt'), `-${hash}`, ...(certReq ? ['-cert'] : []), ...(nonce ? [] : ['-no_nonce']), '-out', tsq])
    expect(q.code, q.out).toBe(0)
    const res = await postTsp(f.url, readFileSync(tsq))
    expect(res.status).toBe(200)
    expect(res.type).toBe('application/timestamp-reply')
    writeFileSync(tsr, res.der)

    const text = opensslAll(['ts', '-reply', '-in', tsr, '-text'])
    expect(text.code, text.out).toBe(0)
    expect(text.out).toContain('Status: Granted.')
    expect(text.out).toContain(`Policy OID: ${f.settings.policyOid}`)
    expect(text.out).toContain(`Hash Algorithm: ${hash}`)
    expect(text.out).toMatch(/Accuracy: 0x01 seconds, 0x01F4 millis/)
    const queryText = opensslAll(['ts', '-query', '-in', tsq, '-text']).out
    if (nonce) {
      const sent = /Nonce: (0x[0-9A-F]+)/.exec(queryText)?.[1]
      expect(sent).toBeDefined()
      expect(text.out).toContain(`Nonce: ${sent}`)
    } else {
      expect(text.out).toContain('Nonce: unspecified')
    }

    // The TSA certificate is in the token exactly when certReq asked for it.
    const { signed } = readToken(res.der)
    expect(signed.certificates?.length ?? 0).toBe(certReq ? 1 : 0)
    const untrusted = join(tmp, `${name}-untrusted.pem`)
    writeFileSync(untrusted, readFileSync(f.issuingPem, 'utf8') + (certReq ? '' : readFileSync(f.tsaPem, 'utf8')))
    const byData = opensslAll(['ts', '-verify', '-data', join(tmp, 'document.txt'), '-in', tsr, '-CAfile', f.rootPem, '-untrusted', untrusted])
    expect(byData.out).toContain('Verification: OK')
    const byQuery = opensslAll(['ts', '-verify', '-queryfile', tsq, '-in', tsr, '-CAfile', f.rootPem, '-untrusted', untrusted])
    expect(byQuery.out).toContain('Verification: OK')
    // A different document does not match the token.
    writeFileSync(join(tmp, 'other.txt'), 'Келісімшарт № 8\n')
    expect(opensslAll(['ts', '-verify', '-data', join(tmp, 'other.txt'), '-in', tsr, '-CAfile', f.rootPem, '-untrusted', untrusted]).out).not.toContain('Verification: OK')
  })

  it('timestamps a SHA-384 imprint and one without hash parameters, echoing the imprint', async () => {
    const digest = createHash('sha384').update('x').digest()
    const { tst } = readToken((await postTsp(f.url, request({ hash: AlgorithmOid.sha384, digest }))).der)
    expect(tst.messageImprint.hashAlgorithm.algorithmId).toBe(AlgorithmOid.sha384)
    expect(Buffer.from(tst.messageImprint.hashedMessage.valueBlock.valueHexView).equals(digest)).toBe(true)
    const bare = seq(int(1), seq(seq(oid(AlgorithmOid.sha256)), octetString(new Uint8Array(32).fill(9))), int(77)) as Buffer<ArrayBuffer>
    const token = readToken((await postTsp(f.url, bare)).der).tst
    expect(token.nonce?.toBigInt()).toBe(77n)
    expect(token.messageImprint.hashAlgorithm.algorithmParams).toBeUndefined()
  })

  it('gives concurrent requests distinct serial numbers from the database sequence', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => postTsp(f.url, request({ nonce: BigInt(i + 1) }))))
    const serials = answers.map((a) => {
      expect(a.status).toBe(200)
      const { tst } = readToken(a.der)
      // Each answer echoes its own request's nonce.
      return { serial: tst.serialNumber.toBigInt(), nonce: tst.nonce?.toBigInt() }
    })
    expect(new Set(serials.map((s) => s.serial)).size).toBe(40)
    expect(new Set(serials.map((s) => s.nonce)).size).toBe(40)
  })

  it('states the configured policy and accuracy, genTime now, and signs as the TSA certificate', async () => {
    const before = Date.now()
    const { tst, signed } = readToken((await postTsp(f.url, request({}))).der)
    expect(tst.policy).toBe(f.settings.policyOid)
    expect(tst.accuracy?.seconds).toBe(1)
    expect(tst.accuracy?.millis).toBe(500)
    expect(tst.genTime.getTime()).toBeGreaterThanOrEqual(before - 1)
    expect(tst.genTime.getTime()).toBeLessThanOrEqual(Date.now())
    const cert = signed.certificates?.[0] as pkijs.Certificate
    const eku = cert.extensions?.find((e) => e.extnID === '2.5.29.37')
    expect(eku?.critical).toBe(true)
    expect((eku?.parsedValue as pkijs.ExtKeyUsage).keyPurposes).toEqual([EkuOid.timeStamping])
    const v = opensslAll(['verify', '-CAfile', f.rootPem, '-untrusted', f.issuingPem, '-purpose', 'timestampsign', f.tsaPem])
    expect(v.out).toContain(': OK')
    const row = await f.db.selectFrom('ca_authorities').select(['role', 'certificate']).where('name', '=', 'tsa').executeTakeFirstOrThrow()
    expect(row.role).toBe('tsa')
    expect(Buffer.from(row.certificate).equals(Buffer.from(cert.toSchema().toBER(false)))).toBe(true)
  })

  it.each<{ name: string; send: () => { body: Uint8Array<ArrayBuffer>; type?: string; method?: string }; status: number; failInfo: FailInfoName }>([
    { name: 'GET', send: () => ({ body: new Uint8Array(), method: 'GET' }), status: 405, failInfo: 'badRequest' },
    { name: 'a wrong content type', send: () => ({ body: request({}), type: 'application/octet-stream' }), status: 415, failInfo: 'badRequest' },
    { name: 'an oversized body', send: () => ({ body: new Uint8Array(64 * 1024).fill(0x30) }), status: 413, failInfo: 'badRequest' },
    { name: 'garbage', send: () => ({ body: Buffer.from('not a request at all') }), status: 200, failInfo: 'badDataFormat' },
    { name: 'an empty body', send: () => ({ body: new Uint8Array() }), status: 200, failInfo: 'badDataFormat' },
    { name: 'a truncated request', send: () => ({ body: request({}).subarray(0, 30) }), status: 200, failInfo: 'badDataFormat' },
    { name: 'trailing bytes', send: () => ({ body: Buffer.concat([request({}), Buffer.from([0, 0])]) }), status: 200, failInfo: 'badDataFormat' },
    { name: 'a SHA-1 imprint', send: () => ({ body: request({ hash: AlgorithmOid.sha1, digest: new Uint8Array(20) }) }), status: 200, failInfo: 'badAlg' },
    { name: 'an unknown hash', send: () => ({ body: request({ hash: '1.2.840.113549.2.5', digest: new Uint8Array(16) }) }), status: 200, failInfo: 'badAlg' },
    { name: 'a digest of the wrong length', send: () => ({ body: request({ digest: new Uint8Array(20) }) }), status: 200, failInfo: 'badDataFormat' },
    { name: 'another policy', send: () => ({ body: request({ policy: '1.2.398.3.3.2.6.2' }) }), status: 200, failInfo: 'unacceptedPolicy' },
    { name: 'version 2', send: () => ({ body: request({ version: 2 }) }), status: 200, failInfo: 'badRequest' },
    { name: 'fields out of order (certReq before nonce)', send: () => ({ body: rawRequest(bool(true), int(5)) }), status: 200, failInfo: 'badDataFormat' },
    { name: 'a field twice', send: () => ({ body: rawRequest(int(5), int(6)) }), status: 200, failInfo: 'badDataFormat' },
    { name: 'a 65-byte nonce', send: () => ({ body: rawRequest(int(2n ** 519n)) }), status: 200, failInfo: 'badDataFormat' },
    {
      name: 'hash parameters other than NULL',
      send: () => ({ body: seq(int(1), seq(seq(oid(AlgorithmOid.sha256), int(0)), octetString(new Uint8Array(32)))) as Buffer<ArrayBuffer> }),
      status: 200,
      failInfo: 'badDataFormat',
    },
    { name: 'an extension', send: () => ({ body: request({ extension: true }) }), status: 200, failInfo: 'unacceptedExtension' },
  ])('refuses $name with a TimeStampResp rejection ($failInfo) and uses no serial', async ({ send, status, failInfo }) => {
    const serialBefore = readToken((await postTsp(f.url, request({}))).der).tst.serialNumber.toBigInt()
    const { body, type, method } = send()
    const res = await fetch(`${f.url}/tsp`, { method: method ?? 'POST', headers: { 'content-type': type ?? 'application/timestamp-query' }, ...(method === 'GET' ? {} : { body }) })
    expect(res.status).toBe(status)
    expect(res.headers.get('content-type')).toBe('application/timestamp-reply')
    const der = Buffer.from(await res.arrayBuffer())
    expect(failInfoOf(der)).toBe(failInfo)
    const tsr = join(tmp, `rejected-${failInfo}-${status}.tsr`)
    writeFileSync(tsr, der)
    expect(opensslAll(['ts', '-reply', '-in', tsr, '-text']).out).toContain('Status: Rejected.')
    const serialAfter = readToken((await postTsp(f.url, request({}))).der).tst.serialNumber.toBigInt()
    expect(serialAfter).toBe(serialBefore + 1n)
  })

  it('refuses a SHA-1 query made by openssl with badAlg, which openssl reads', async () => {
    const tsq = join(tmp, 'sha1.tsq')
    expect(openssl(['ts', '-query', '-data', join(tmp, 'document.txt'), '-sha1', '-out', tsq]).code).toBe(0)
    const res = await postTsp(f.url, readFileSync(tsq))
    writeFileSync(join(tmp, 'sha1.tsr'), res.der)
    const text = opensslAll(['ts', '-reply', '-in', join(tmp, 'sha1.tsr'), '-text']).out
    expect(text).toContain('Status: Rejected.')
    expect(text).toContain('unrecognized or unsupported algorithm')
  })
})

describe('timestamp authority rate limit', () => {
  let f: TsaFixture
  beforeAll(async () => {
    f = await setupTsa('pglite', { rateLimitMax: 2 })
  }, 120_000)
  afterAll(async () => {
    await f?.close()
  })

  it('answers a client over the limit with HTTP 429 and a TimeStampResp rejection', async () => {
    const statuses: number[] = []
    let last: Buffer<ArrayBuffer> = Buffer.alloc(0)
    for (let i = 0; i < 3; i++) {
      const res = await postTsp(f.url, request({}))
      statuses.push(res.status)
      last = res.der
    }
    expect(statuses).toEqual([200, 200, 429])
    expect(failInfoOf(last)).toBeUndefined()
    expect(pkijs.TimeStampResp.fromBER(last).status.statusStrings?.[0]?.valueBlock.value).toMatch(/retry in/i)
  })
})
