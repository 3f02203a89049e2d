/**
 * Certificate pairs with shifted validity (issued `daysLeft` days before their end, through
 * approveApplication's clock) and renewal requests signed by OpenSSL-made keys, for the renewal tests.
 */
import { createHash, createPrivateKey, randomUUID } from 'node:crypto'
import { expect } from 'vitest'
import { approveApplication } from '../../../server/applications/review.ts'
import { renewalRequestPayload } from '../../../src/core/renewal-wire.ts'
import { signCms } from '../../../src/pki/cms.ts'
import type { TestServer } from '../helpers/app.ts'
import { opensslCsr, type OpensslCsr } from '../helpers/csr.ts'

export const HOLDER_IIN = '900101300017'
export const OTHER_IIN = '850315300019'
const DAY = 86_400_000
/** Browser-key certificates last a year (profiles). */
const VALIDITY_DAYS = 365

export interface HeldCertificate {
  readonly serial: string
  readonly der: Uint8Array
  readonly keyPem: string
}
export interface IssuedPair {
  readonly number: string
  readonly accessCode: string
  readonly auth: HeldCertificate
  readonly sign: HeldCertificate
}

async function ecKey(pkcs8Pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pkcs8Pem).export({ type: 'pkcs8', format: 'der' })
  return crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
}

/** An installed pair whose certificates end `daysLeft` days from now (negative: already ended). */
export async function issuedPair(s: TestServer, daysLeft: number, iin = HOLDER_IIN): Promise<IssuedPair> {
  const keys = { auth: opensslCsr('p256'), sign: opensslCsr('p256') }
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/v1/applications',
    headers: { 'idempotency-key': randomUUID() },
    payload: { profile: 'individual', iin, region: 'KZ-75', storage: 'browser', requests: [{ purpose: 'auth', csr: keys.auth.pem }, { purpose: 'sign', csr: keys.sign.pem }] },
  })
  expect(res.statusCode, res.body).toBe(201)
  const { number, accessCode } = res.json() as { number: string; accessCode: string }
  const now = new Date(Date.now() - (VALIDITY_DAYS - daysLeft) * DAY)
  const { certificates } = await approveApplication(s.ctx, number, { iin: '700611300018' }, { identity: { checked: true }, now })
  const held = (purpose: 'auth' | 'sign'): HeldCertificate => {
    const c = certificates.find((x) => x.purpose === purpose)!
    return { serial: c.serial, der: new Uint8Array(c.der), keyPem: keys[purpose].keyPem }
  }
  return { number, accessCode, auth: held('auth'), sign: held('sign') }
}

export interface RenewalRequestOptions {
  /** The certificate named in the body (default: the pair's signing one). */
  readonly serial?: string
  /** Who signs (default: the pair's signing certificate and key). */
  readonly signer?: HeldCertificate
  readonly iin?: string
  readonly bodyIin?: string
  readonly time?: Date
  readonly supersedeNow?: boolean
  /** Sign over these CSRs instead of the ones sent. */
  readonly signedCsrs?: { auth: OpensslCsr; sign: OpensslCsr }
}

/** A POST /api/v1/renewals body with two fresh keys, signed as the options say. */
export async function renewalBody(pair: IssuedPair, o: RenewalRequestOptions = {}): Promise<Record<string, unknown>> {
  const csrs = { auth: opensslCsr('p256'), sign: opensslCsr('p256') }
  const signedOver = o.signedCsrs ?? csrs
  const signer = o.signer ?? pair.sign
  const serial = o.serial ?? pair.sign.serial
  const supersedeNow = o.supersedeNow ?? false
  const sha = (c: OpensslCsr) => createHash('sha256').update(c.der).digest('hex')
  const data = renewalRequestPayload({ serial, iin: o.iin ?? HOLDER_IIN, csrSha256: { auth: sha(signedOver.auth), sign: sha(signedOver.sign) }, supersedeNow, time: o.time ?? new Date() })
  const cms = await signCms({ data, privateKey: await ecKey(signer.keyPem), certificate: signer.der })
  return {
    serial,
    iin: o.bodyIin ?? o.iin ?? HOLDER_IIN,
    requests: [{ purpose: 'auth', csr: csrs.auth.pem }, { purpose: 'sign', csr: csrs.sign.pem }],
    cms: Buffer.from(cms).toString('base64'),
    ...(o.supersedeNow !== undefined ? { supersedeNow } : {}),
  }
}

export const postRenewal = (s: TestServer, body: Record<string, unknown>, key: string = randomUUID()) =>
  s.app.inject({ method: 'POST', url: '/api/v1/renewals', headers: { 'idempotency-key': key }, payload: body })
