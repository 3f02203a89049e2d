/**
 * CRL client for foreign CAs, the fallback when OCSP does not answer: downloads the CRL named in
 * cRLDistributionPoints (http/https only, bounded size and time), verifies its signature with the
 * issuer's key, requires it to be current (nextUpdate not past), and looks the serial up. A
 * verified CRL is cached per URL until its nextUpdate. Large CRLs are parsed with a raised node
 * limit (asn1js's default 10,000 nodes fails around 1,250 entries, pkijs-notes.md §0).
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { getCrypto, getEngine } from '../pki/engine.ts'
import type { ParsedCertificate } from './certificate.ts'
import { fetchBytes, type FetchLike } from './fetch-bytes.ts'
import { REASON_CERTIFICATE_HOLD, type RevocationChecker, type RevocationResult } from './revocation.ts'

/** Options of {@link crlChecker}. */
export interface CrlCheckerOptions {
  readonly timeoutMs?: number
  readonly skewMs?: number
  /** Largest CRL accepted (default 32 MB). */
  readonly maxBytes?: number
  readonly fetch?: FetchLike
  readonly crypto?: Crypto
}

interface CachedCrl {
  readonly crl: pkijs.CertificateRevocationList
  readonly issuerDer: Uint8Array
  readonly nextUpdate: number
}

function unknown(detail: string): RevocationResult {
  return { status: 'unknown', source: 'crl', detail }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function entryResult(entry: pkijs.RevokedCertificate): RevocationResult {
  const reasonExt = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === '2.5.29.21')
  let reason: number | undefined
  if (reasonExt) {
    const v = asn1js.fromBER(reasonExt.extnValue.valueBlock.valueHexView as Uint8Array<ArrayBuffer>).result
    if (v instanceof asn1js.Enumerated) reason = v.valueBlock.valueDec
  }
  return {
    status: reason === REASON_CERTIFICATE_HOLD ? 'hold' : 'revoked',
    source: 'crl',
    revokedAt: entry.revocationDate.value,
    ...(reason !== undefined ? { reason } : {}),
  }
}

/** Builds a checker that consults the certificate's CRL distribution points. */
export function crlChecker(options: CrlCheckerOptions = {}): RevocationChecker {
  const timeoutMs = options.timeoutMs ?? 5000
  const skewMs = options.skewMs ?? 5 * 60_000
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024
  const fetchFn: FetchLike = options.fetch ?? ((url, init) => fetch(url, init))
  const cache = new Map<string, CachedCrl>()

  async function load(url: string, issuer: ParsedCertificate, now: Date): Promise<pkijs.CertificateRevocationList> {
    const cached = cache.get(url)
    if (cached && sameBytes(cached.issuerDer, issuer.der) && cached.nextUpdate + skewMs >= now.getTime()) return cached.crl
    const der = await fetchBytes(fetchFn, url, { method: 'GET' }, timeoutMs, maxBytes)
    const asn = asn1js.fromBER(der as Uint8Array<ArrayBuffer>, { maxNodes: 50_000_000 })
    if (asn.offset === -1) throw new Error('the CRL is not DER')
    const crl = new pkijs.CertificateRevocationList({ schema: asn.result })
    if (!crl.issuer.isEqual(issuer.cert.subject)) throw new Error('the CRL is from another issuer')
    const ok = await crl.verify({ issuerCertificate: issuer.cert }, getEngine(options.crypto ?? getCrypto()))
    if (!ok) throw new Error('the CRL signature is invalid')
    const nextUpdate = crl.nextUpdate?.value.getTime()
    if (nextUpdate === undefined || nextUpdate + skewMs < now.getTime()) throw new Error('the CRL is stale')
    if (crl.thisUpdate.value.getTime() - skewMs > now.getTime()) throw new Error('the CRL is from the future')
    cache.set(url, { crl, issuerDer: issuer.der, nextUpdate })
    return crl
  }

  return {
    async check(certificate, issuer, now) {
      if (certificate.crlUrls.length === 0) return unknown('the certificate names no CRL')
      const problems: string[] = []
      for (const url of certificate.crlUrls) {
        try {
          const crl = await load(url, issuer, now)
          const entry = crl.revokedCertificates?.find((r) => r.userCertificate.isEqual(certificate.cert.serialNumber))
          return entry ? entryResult(entry) : { status: 'good', source: 'crl' }
        } catch (e) {
          problems.push(`${url}: ${e instanceof Error ? e.message : String(e)}`)
        }
      }
      return unknown(problems.join('; '))
    },
  }
}
