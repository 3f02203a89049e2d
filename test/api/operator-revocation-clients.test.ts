/**
 * The operator and revocation clients of src/api against a real Registration Center over HTTP
 * (in-process, PGlite): the holder's signed revocation request is byte-identical to what the
 * server expects, the server's codes arrive as QoltanbaError codes, and the operator client
 * finds, holds, releases and revokes.
 */
import { createPrivateKey, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOperatorClient, type OperatorClient } from '@/api/operator-client.ts'
import { revocationRequestPayload, sendRevocationRequest } from '@/api/revocation-client.ts'
import { HOLDER_REASONS, REVOCATION_REASON_CODES } from '@/api/revocation-reasons.ts'
import { signCms } from '@/pki/cms.ts'
import { fromPem } from '@/pki/pem.ts'
import { revocationRequestPayload as serverPayload } from '../../server/pki-routes/revocation-routes.ts'
import { startTestServer, type TestServer } from '../server/helpers/app.ts'
import { opensslCsr, type OpensslCsr } from '../server/helpers/csr.ts'

const IIN = '880530300013'

describe('revocation request payload', () => {
  it.each(HOLDER_REASONS)('is the server\u2019s exact bytes for %s', (reason) => {
    const time = new Date('2026-11-23T10:00:00.123Z')
    expect(Buffer.from(revocationRequestPayload('4A0BCDEF', reason, time))).toEqual(Buffer.from(serverPayload('4a0bcdef', REVOCATION_REASON_CODES[reason], time)))
  })
})

describe('operator and holder clients against the server', () => {
  let s: TestServer
  let baseUrl: string
  let operator: OperatorClient
  let sign: OpensslCsr
  let serials: { auth: string; sign: string }
  let signPem: string

  beforeAll(async () => {
    s = await startTestServer('pglite')
    baseUrl = await s.app.listen({ port: 0, host: '127.0.0.1' })
    const cookie = await s.operatorCookie()
    // The console's session cookie, which the browser would send; Node's fetch keeps no cookies.
    const withSession: typeof fetch = (input, init = {}) => {
      const headers = new Headers(init.headers)
      headers.set('cookie', cookie)
      return fetch(input, { ...init, headers })
    }
    operator = createOperatorClient({ baseUrl, fetch: withSession })
    const auth = opensslCsr('rsa2048', `/serialNumber=IIN${IIN}/C=KZ`)
    sign = opensslCsr('p256', `/serialNumber=IIN${IIN}/C=KZ`)
    const r = await fetch(`${baseUrl}/api/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID().replace(/-/g, '') },
      body: JSON.stringify({ profile: 'individual', iin: IIN, region: 'KZ-75', storage: 'file', requests: [{ purpose: 'auth', csr: auth.pem }, { purpose: 'sign', csr: sign.pem }] }),
    })
    const { number } = (await r.json()) as { number: string }
    const queue = await operator.listApplications({ iin: IIN, status: 'submitted' })
    expect(queue.map((a) => a.number)).toEqual([number])
    const checks = await operator.getRequests(number)
    expect(checks.map((c) => [c.purpose, c.keyAlgorithm, c.signatureValid])).toEqual([
      ['auth', 'RSA', true],
      ['sign', 'EC', true],
    ])
    const approved = await operator.approve(number, { identityChecked: true })
    expect(approved.status).toBe('issued')
    const byPurpose = Object.fromEntries(approved.certificates.map((c) => [c.purpose, c]))
    serials = { auth: byPurpose.auth!.serial, sign: byPurpose.sign!.serial }
    signPem = byPurpose.sign!.pem
  })
  afterAll(async () => {
    await s?.close()
  })

  it('holds, releases and reports refused changes by code', async () => {
    expect((await operator.hold(serials.auth)).status).toBe('hold')
    await expect(operator.hold(serials.auth)).rejects.toMatchObject({ code: 'ERR_INVALID_STATE' })
    expect((await operator.release(serials.auth)).status).toBe('good')
    await expect(operator.release(serials.auth)).rejects.toMatchObject({ code: 'ERR_INVALID_STATE' })
    const found = await operator.findCertificates({ serial: serials.auth.toUpperCase().match(/../g)!.join(':') })
    expect(found.map((c) => [c.serial, c.status])).toEqual([[serials.auth, 'good']])
  })

  it('revokes with a CMS signed by the certificate\u2019s own key; a second time is ERR_ALREADY_REVOKED', async () => {
    const der = createPrivateKey(sign.keyPem).export({ type: 'pkcs8', format: 'der' })
    const privateKey = await crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
    const certificate = fromPem(signPem)[0]!.der
    const request = () => signCms({ data: revocationRequestPayload(serials.sign, 'superseded'), privateKey, certificate })
    // Someone else's key cannot revoke it.
    const otherKey = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
    const forged = await signCms({ data: revocationRequestPayload(serials.sign, 'superseded'), privateKey: otherKey.privateKey, certificate })
    await expect(sendRevocationRequest(serials.sign, 'superseded', forged, { baseUrl })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_INVALID' })

    const done = await sendRevocationRequest(serials.sign, 'superseded', await request(), { baseUrl })
    expect(done).toMatchObject({ serial: serials.sign, status: 'revoked', reason: 4 })
    await expect(sendRevocationRequest(serials.sign, 'superseded', await request(), { baseUrl })).rejects.toMatchObject({ code: 'ERR_ALREADY_REVOKED' })
    expect((await operator.findCertificates({ iin: IIN })).find((c) => c.serial === serials.sign)).toMatchObject({ status: 'revoked', revocationReason: 4 })
  })

  it('says ERR_NETWORK when the server cannot be reached', async () => {
    const nowhere = createOperatorClient({ baseUrl: 'http://127.0.0.1:9' })
    await expect(nowhere.me()).rejects.toMatchObject({ code: 'ERR_NETWORK' })
  })
})
