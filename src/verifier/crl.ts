/**
 * CRL checkers. `crlChecker` is the fallback for foreign CAs when OCSP does not answer: it
 * downloads the CRL named in cRLDistributionPoints (http/https only, bounded size and time) and
 * caches it per URL until its nextUpdate. `localCrlChecker` answers from CRLs already in hand
 * (files given to the CLI, the Registration Center's own root CRL). Both trust a CRL only after
 * verifying it: issuer name and signature by the certificate's issuer, current (thisUpdate not in
 * the future, nextUpdate not past), complete for the certificate (no delta CRL, and an
 * issuingDistributionPoint that does not narrow it to other certificates or reasons).
 * Large CRLs are parsed with a raised node limit (asn1js's default 10,000 nodes fails around
 * 1,250 entries, docs/pkijs-notes.md#large-crls).
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { getCrypto, getEngine } from '../pki/engine.ts'
import { toHex } from '../core/bytes.ts'
import type { ParsedCertificate } from './certificate.ts'
import { fetchBytes, type FetchLike } from './fetch-bytes.ts'
import { REASON_CERTIFICATE_HOLD, type RevocationChecker, type RevocationResult } from './revocation.ts'
import { ExtensionOid } from '../pki/oids.ts'

/** Options of {@link crlChecker}. */
export interface CrlCheckerOptions {
  readonly timeoutMs?: number
  readonly skewMs?: number
  /** Largest CRL accepted (default 32 MB). */
  readonly maxBytes?: number
  readonly fetch?: FetchLike
  readonly crypto?: Crypto
}

/** Options of {@link localCrlChecker}. */
export interface LocalCrlCheckerOptions {
  readonly skewMs?: number
  readonly crypto?: Crypto
}


/** A parsed CRL with its entries indexed by serial (hex of the INTEGER content bytes). */
interface IndexedCrl {
  readonly crl: pkijs.CertificateRevocationList
  readonly entries: ReadonlyMap<string, pkijs.RevokedCertificate>
  /** Issuers whose key verified the signature (parsed certificates are one object per DER). */
  readonly verifiedBy: WeakSet<ParsedCertificate>
}

function unknown(detail: string): RevocationResult {
  return { status: 'unknown', source: 'crl', detail }
}

function serialKey(serial: asn1js.Integer): string {
  return toHex(serial.valueBlock.valueHexView)
}

function indexCrl(der: Uint8Array): IndexedCrl {
  const asn = asn1js.fromBER(der as Uint8Array<ArrayBuffer>, { maxNodes: 50_000_000 })
  if (asn.offset === -1) throw new Error('the CRL is not DER')
  const crl = new pkijs.CertificateRevocationList({ schema: asn.result })
  const entries = new Map<string, pkijs.RevokedCertificate>()
  for (const r of crl.revokedCertificates ?? []) entries.set(serialKey(r.userCertificate), r)
  return { crl, entries, verifiedBy: new WeakSet() }
}

/** Throws unless `indexed` is signed by `issuer` and current at `now`. */
async function requireValid(indexed: IndexedCrl, issuer: ParsedCertificate, now: Date, skewMs: number, crypto: Crypto | undefined): Promise<void> {
  const { crl } = indexed
  if (!indexed.verifiedBy.has(issuer)) {
    if (!crl.issuer.isEqual(issuer.cert.subject)) throw new Error('the CRL is from another issuer')
    const ok = await crl.verify({ issuerCertificate: issuer.cert }, getEngine(crypto ?? getCrypto()))
    if (!ok) throw new Error('the CRL signature is invalid')
    indexed.verifiedBy.add(issuer)
  }
  const nextUpdate = crl.nextUpdate?.value.getTime()
  if (nextUpdate === undefined || nextUpdate + skewMs < now.getTime()) throw new Error('the CRL is stale')
  if (crl.thisUpdate.value.getTime() - skewMs > now.getTime()) throw new Error('the CRL is from the future')
}

/**
 * Why `crl` cannot answer for `certificate`, or undefined when it is a complete list for it
 * (RFC 5280 §6.3.3 (b), (d), (f)): a delta CRL lists only changes; an issuingDistributionPoint may
 * narrow a CRL to user or CA certificates, some reasons, or another distribution point.
 */
function outOfScope(crl: pkijs.CertificateRevocationList, certificate: ParsedCertificate): string | undefined {
  const extensions = crl.crlExtensions?.extensions ?? []
  if (extensions.some((e) => e.extnID === ExtensionOid.deltaCrlIndicator)) return 'a delta CRL is not a complete list'
  const idpExtension = extensions.find((e) => e.extnID === ExtensionOid.issuingDistributionPoint)
  if (!idpExtension) return undefined
  const idp: unknown = idpExtension.parsedValue
  if (!(idp instanceof pkijs.IssuingDistributionPoint)) return 'the CRL has an unreadable issuingDistributionPoint'
  const isCa = !!certificate.basicConstraints?.cA
  if (idp.onlyContainsUserCerts && isCa) return 'the CRL covers end-entity certificates only'
  if (idp.onlyContainsCACerts && !isCa) return 'the CRL covers CA certificates only'
  if (idp.onlyContainsAttributeCerts) return 'the CRL covers attribute certificates only'
  if (idp.onlySomeReasons !== undefined) return 'the CRL covers some revocation reasons only'
  if (idp.indirectCRL) return 'indirect CRLs are not supported'
  if (Array.isArray(idp.distributionPoint)) {
    const names = idp.distributionPoint.filter((n) => n.type === 6).map((n) => String(n.value))
    if (!names.some((n) => certificate.crlUrls.includes(n))) return 'the CRL is for another distribution point'
  }
  return undefined
}

function answer(indexed: IndexedCrl, certificate: ParsedCertificate): RevocationResult {
  const nextUpdate = indexed.crl.nextUpdate?.value
  const entry = indexed.entries.get(serialKey(certificate.cert.serialNumber))
  if (!entry) return { status: 'good', source: 'crl', ...(nextUpdate ? { nextUpdate } : {}) }
  const reasonExt = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === ExtensionOid.reasonCode)
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
    ...(nextUpdate ? { nextUpdate } : {}),
  }
}

/** Builds a checker that consults the certificate's CRL distribution points. */
export function crlChecker(options: CrlCheckerOptions = {}): RevocationChecker {
  const timeoutMs = options.timeoutMs ?? 5000
  const skewMs = options.skewMs ?? 5 * 60_000
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024
  const fetchFn: FetchLike = options.fetch ?? ((url, init) => fetch(url, init))
  const cache = new Map<string, IndexedCrl>()

  async function load(url: string, issuer: ParsedCertificate, now: Date): Promise<IndexedCrl> {
    const cached = cache.get(url)
    if (cached) {
      try {
        await requireValid(cached, issuer, now, skewMs, options.crypto)
        return cached
      } catch {
        // stale, or another issuer's: download again
      }
    }
    const indexed = indexCrl(await fetchBytes(fetchFn, url, { method: 'GET' }, timeoutMs, maxBytes))
    await requireValid(indexed, issuer, now, skewMs, options.crypto)
    cache.set(url, indexed)
    return indexed
  }

  return {
    async check(certificate, issuer, now) {
      if (certificate.crlUrls.length === 0) return unknown('the certificate names no CRL')
      const problems: string[] = []
      for (const url of certificate.crlUrls) {
        try {
          const indexed = await load(url, issuer, now)
          const scope = outOfScope(indexed.crl, certificate)
          if (scope) throw new Error(scope)
          return answer(indexed, certificate)
        } catch (e) {
          problems.push(`${url}: ${e instanceof Error ? e.message : String(e)}`)
        }
      }
      return unknown(problems.join('; '))
    },
  }
}

/**
 * Builds a checker that answers from CRLs in hand (DER): the one issued by the certificate's
 * issuer, verified and current, decides; when none does, the answer is `unknown`. `crls` may be
 * a function, asked on every check, for a CRL that is replaced while running (the Registration
 * Center's root CRL); each DER object is parsed and verified once.
 *
 * @example
 * // `qoltanba verify-cms --crl root.crl --crl issuing.crl`: offline, the whole path
 * const revocation = firstAnswer(localCrlChecker([rootCrl, issuingCrl]), ocspChecker(), crlChecker())
 */
export function localCrlChecker(crls: readonly Uint8Array[] | (() => readonly Uint8Array[]), options: LocalCrlCheckerOptions = {}): RevocationChecker {
  const skewMs = options.skewMs ?? 5 * 60_000
  const parsed = new WeakMap<Uint8Array, IndexedCrl | Error>()
  const indexed = (der: Uint8Array): IndexedCrl | Error => {
    let entry = parsed.get(der)
    if (!entry) {
      try {
        entry = indexCrl(der)
      } catch (e) {
        entry = e instanceof Error ? e : new Error(String(e))
      }
      parsed.set(der, entry)
    }
    return entry
  }
  return {
    async check(certificate, issuer, now) {
      const problems: string[] = []
      for (const der of typeof crls === 'function' ? crls() : crls) {
        const crl = indexed(der)
        if (crl instanceof Error) {
          problems.push(crl.message)
          continue
        }
        if (!crl.crl.issuer.isEqual(issuer.cert.subject)) continue
        try {
          await requireValid(crl, issuer, now, skewMs, options.crypto)
          const scope = outOfScope(crl.crl, certificate)
          if (scope) throw new Error(scope)
          return answer(crl, certificate)
        } catch (e) {
          problems.push(e instanceof Error ? e.message : String(e))
        }
      }
      return unknown(problems.length ? problems.join('; ') : `no CRL of "${issuer.subjectDn}" was given`)
    },
  }
}
