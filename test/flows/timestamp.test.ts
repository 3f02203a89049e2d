/**
 * The timestamp flow (request, transport, reply checks) over HTTP against OpenSSL's TSA (`openssl ts -reply` behind a local server on
 * port 0): a granted reply becomes a checked token, a refusal, a reply to another request, a
 * rate limit and a non-TSA page each get their own code.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requestTimestamp } from '../../src/flows/timestamp.ts'
import { openssl, type OpenSsl } from '../pki/openssl.ts'

let ossl: OpenSsl
let server: Server
let url: string
/** What the server does with the next request. */
let mode: 'openssl' | 'replay' | 'rate-limited' | 'html' | 'reject' = 'openssl'
let lastReply: Buffer | undefined
let count = 0

beforeAll(async () => {
  ossl = openssl('qoltanba-tsa-client-')
  ossl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.pem',
    '-days', '30', '-subj', '/C=KZ/CN=Test TSA', '-addext', 'extendedKeyUsage=critical,timeStamping'])
  ossl.write('tsaserial', '01\n')
  ossl.write('tsa.cnf', ['[ tsa ]', 'default_tsa = t', '[ t ]', `serial = ${ossl.path('tsaserial')}`, 'default_policy = 1.2.3.4',
    'digests = sha256, sha384', 'ess_cert_id_alg = sha256', 'signer_digest = sha256', ''].join('\n'))
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (mode === 'rate-limited') return res.writeHead(429).end()
      if (mode === 'html') return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>offline</html>')
      if (mode === 'replay' && lastReply) return res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(lastReply)
      if (mode === 'reject') {
        // status rejection, failInfo badAlg — what a TSA answers a request it will not stamp.
        const refusal = new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: 2, failInfo: new asn1js.BitString({ valueHex: new Uint8Array([0x80]).buffer, unusedBits: 7 }) }) })
        return res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(refusal.toSchema().toBER(false)))
      }
      const n = ++count
      ossl.write(`q${n}.tsq`, Buffer.concat(chunks))
      ossl.run(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', `q${n}.tsq`, '-inkey', 'tsa.key', '-signer', 'tsa.pem', '-out', `r${n}.tsr`])
      lastReply = Buffer.from(ossl.read(`r${n}.tsr`))
      res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(lastReply)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsp`
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  ossl.cleanup()
})

const imprint = new Uint8Array(32).fill(0x5a)

describe('requestTimestamp', () => {
  it('returns a token whose imprint and nonce match the request', async () => {
    mode = 'openssl'
    const { token, info } = await requestTimestamp(imprint, { url })
    expect(info.imprint).toEqual(imprint)
    expect(info.policy).toBe('1.2.3.4')
    expect(token[0]).toBe(0x30)
    // The query carried certReq: OpenSSL's token then includes the TSA certificate.
    const text = ossl.run(['ts', '-query', '-in', `q${count}.tsq`, '-text'])
    expect(text).toMatch(/Certificate required: yes/)
    expect(text).toMatch(/Nonce: 0x[0-9A-F]+/)
  })

  it('SHA-384 imprints', async () => {
    mode = 'openssl'
    const { info } = await requestTimestamp(new Uint8Array(48).fill(1), { url, hash: 'SHA-384' })
    expect(info.hash).toBe('SHA-384')
  })

  it.each([
    ['replay', 'ERR_PAYLOAD_MISMATCH'],
    ['rate-limited', 'ERR_RATE_LIMITED'],
    ['html', 'ERR_NETWORK'],
    ['reject', 'ERR_CA_UNAVAILABLE'],
  ] as const)('%s → %s', async (m, code) => {
    mode = m
    await expect(requestTimestamp(imprint, { url })).rejects.toMatchObject({ code })
  })

  it('unreachable is ERR_NETWORK; aborted is ERR_USER_CANCELLED', async () => {
    await expect(requestTimestamp(imprint, { url: 'http://127.0.0.1:9/tsp' })).rejects.toMatchObject({ code: 'ERR_NETWORK' })
    const ctl = new AbortController()
    ctl.abort()
    await expect(requestTimestamp(imprint, { url, signal: ctl.signal })).rejects.toMatchObject({ code: 'ERR_USER_CANCELLED' })
  })
})
