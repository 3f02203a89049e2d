/**
 * OCSP client (RFC 6960) for foreign CAs: asks the responder named in the certificate's
 * authorityInfoAccess, with a nonce and a short timeout, and trusts the answer only after
 * verifying it: signature by the issuing CA or its delegated responder (pkijs's
 * BasicOCSPResponse.verify, which enforces responder authorization), matching CertID, echoed
 * nonce, and freshness (thisUpdate not in the future, nextUpdate not past, or a recent thisUpdate
 * when the responder gives no nextUpdate).
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { getCrypto, getEngine } from '../pki/engine.ts'
import type { ParsedCertificate } from './certificate.ts'
import { fetchBytes, type FetchLike } from './fetch-bytes.ts'
import { REASON_CERTIFICATE_HOLD, type RevocationChecker, type RevocationResult } from './revocation.ts'
import { OcspOid } from '../pki/oids.ts'


/** Options of {@link ocspChecker}. */
export interface OcspCheckerOptions {
  /** Per-request timeout (default 3 s; Web eID uses 5 s). */
  readonly timeoutMs?: number
  /** Allowed clock difference (default 5 min). */
  readonly skewMs?: number
  /** Largest age of thisUpdate when the response has no nextUpdate (default 15 min). */
  readonly maxAgeWithoutNextUpdateMs?: number
  /** Send and require the nonce extension (default true). */
  readonly useNonce?: boolean
  /** Overrides the AIA URL (a designated responder). */
  readonly responderUrl?: string
  readonly fetch?: FetchLike
  readonly crypto?: Crypto
}

function unknown(detail: string): RevocationResult {
  return { status: 'unknown', source: 'ocsp', detail }
}

function statusOf(single: pkijs.SingleResponse): RevocationResult {
  const st = single.certStatus as asn1js.BaseBlock
  if (!st.idBlock.isConstructed && st.idBlock.tagNumber === 0) return { status: 'good', source: 'ocsp' }
  if (st.idBlock.isConstructed && st.idBlock.tagNumber === 1) {
    const inner = (st as asn1js.Constructed).valueBlock.value
    const time = inner[0]
    const revokedAt = time instanceof asn1js.GeneralizedTime ? time.toDate() : undefined
    const reasonBox = inner[1] as asn1js.Constructed | undefined
    const reasonValue = reasonBox?.valueBlock.value?.[0]
    const reason = reasonValue instanceof asn1js.Enumerated ? reasonValue.valueBlock.valueDec : undefined
    return {
      status: reason === REASON_CERTIFICATE_HOLD ? 'hold' : 'revoked',
      source: 'ocsp',
      ...(revokedAt ? { revokedAt } : {}),
      ...(reason !== undefined ? { reason } : {}),
    }
  }
  return unknown('the responder does not know the certificate')
}

/** Builds a checker that asks the certificate's OCSP responder. */
export function ocspChecker(options: OcspCheckerOptions = {}): RevocationChecker {
  const timeoutMs = options.timeoutMs ?? 3000
  const skewMs = options.skewMs ?? 5 * 60_000
  const maxAge = options.maxAgeWithoutNextUpdateMs ?? 15 * 60_000
  const fetchFn: FetchLike = options.fetch ?? ((url, init) => fetch(url, init))
  return {
    async check(certificate: ParsedCertificate, issuer: ParsedCertificate, now: Date): Promise<RevocationResult> {
      const url = options.responderUrl ?? certificate.ocspUrls[0]
      if (!url) return unknown('the certificate names no OCSP responder')
      const crypto = options.crypto ?? getCrypto()
      const engine = getEngine(crypto)
      try {
        const request = new pkijs.OCSPRequest()
        await request.createForCertificate(certificate.cert, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer.cert }, engine)
        const nonce = crypto.getRandomValues(new Uint8Array(16))
        if (options.useNonce !== false) {
          request.tbsRequest.requestExtensions = [
            new pkijs.Extension({ extnID: OcspOid.nonce, extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER(false) }),
          ]
        }
        const body = new Uint8Array(request.toSchema(true).toBER(false))
        const der = await fetchBytes(
          fetchFn,
          url,
          { method: 'POST', headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' }, body },
          timeoutMs,
          64 * 1024,
        )
        const response = pkijs.OCSPResponse.fromBER(der as Uint8Array<ArrayBuffer>)
        const code = response.responseStatus.valueBlock.valueDec
        if (code !== 0 || !response.responseBytes) return unknown(`responder status ${code}`)
        const basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView as Uint8Array<ArrayBuffer>)
        // Without embedded certs pkijs cannot verify even a CA-signed response; the CA itself is the natural signer.
        if (!basic.certs || basic.certs.length === 0) basic.certs = [issuer.cert]
        const verified = await basic.verify({ trustedCerts: [issuer.cert], issuerCerts: [issuer.cert] }, engine)
        if (!verified) return unknown('the OCSP response signature is invalid')
        if (options.useNonce !== false) {
          const echoed = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OcspOid.nonce)
          if (echoed) {
            const v = asn1js.fromBER(echoed.extnValue.valueBlock.valueHexView as Uint8Array<ArrayBuffer>).result
            const got = v instanceof asn1js.OctetString ? v.valueBlock.valueHexView : echoed.extnValue.valueBlock.valueHexView
            if (got.length !== nonce.length || got.some((b, i) => b !== nonce[i])) return unknown('the OCSP nonce does not match')
          } else {
            return unknown('the responder did not echo the nonce')
          }
        }
        const wanted = request.tbsRequest.requestList[0]?.reqCert as pkijs.CertID
        const single = basic.tbsResponseData.responses.find((r) => r.certID.isEqual(wanted))
        if (!single) return unknown('the OCSP response is about another certificate')
        const t = now.getTime()
        if (single.thisUpdate.getTime() - skewMs > t) return unknown('the OCSP response is from the future')
        if (single.nextUpdate ? single.nextUpdate.getTime() + skewMs < t : single.thisUpdate.getTime() + maxAge + skewMs < t) {
          return unknown('the OCSP response is stale')
        }
        const answer = statusOf(single)
        return answer.status === 'unknown' || !single.nextUpdate ? answer : { ...answer, nextUpdate: single.nextUpdate }
      } catch (e) {
        return unknown(`OCSP failed: ${e instanceof Error ? e.message : String(e)}`)
      }
    },
  }
}
