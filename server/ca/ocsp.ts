/**
 * The OCSP responder: statuses from the database, responses signed by the delegated OCSP
 * certificate, and a cache of signed responses so throughput does not depend on signing.
 *
 * Caching: a request without a nonce for one certificate gets a pre-signed response, kept until
 * a quarter of its validity has passed or until the certificate's status changes (`invalidate`,
 * called after every revocation/hold/release commits). A global epoch makes invalidation win
 * over a concurrent cache fill that read the old status. "unknown" answers are cached too but
 * re-checked against the database on every hit (a cheap indexed read, no signature), because a
 * certificate may be issued after we said "unknown". Nonce requests are signed per request.
 *
 * A revoked issuing CA (`qoltanba ca revoke-issuing`, on the root CRL): every certificate it
 * issued answers "revoked" as of the CA's revocation (RFC 6960 §2.7 allows it), with reason
 * cACompromise when the CA's key is compromised and the CA's own reason otherwise. "good" would
 * be true of the certificate alone but misleads a client that checks only the end entity (many
 * do); "revoked" is what such a client must act on. A certificate revoked on its own earlier
 * keeps its own time and reason; one on hold is revoked for good. Serials we never issued stay
 * "unknown". The CA's status comes from the loaded CA's root CRL check (`useIssuerRevocation`).
 */
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/schema.ts'
import { DerError } from '../../src/pki/der-reader.ts'
import { CrlReason } from './crl-build.ts'
import type { CaMember } from './hierarchy.ts'
import {
  CERTID_HASHES, ocspError, OcspStatus, parseOcspRequest, signOcspResponse, singleResponse, type CertStatus, type RequestedCert,
  type ResponderIdentity,
} from './ocsp-der.ts'
import { spkiPublicKeyBits } from './x509-build.ts'

export interface OcspOptions {
  /** nextUpdate − thisUpdate of responses (default 1 h). */
  readonly validityMs?: number
  /** Most serials kept in the cache (default 200,000). */
  readonly maxEntries?: number
}

interface Entry {
  readonly status: CertStatus
  readonly thisUpdate: Date
  readonly nextUpdate: Date
  /** Signed no-nonce responses for this serial, by CertID bytes (latin1 string). */
  readonly responses: Map<string, Buffer>
}

/** A response and whether a shared cache may keep it (no nonce). */
export interface OcspAnswer {
  readonly der: Buffer
  /** Seconds an HTTP cache may keep it; 0 for nonce or error responses. */
  readonly maxAge: number
}

const MALFORMED: OcspAnswer = { der: ocspError(OcspStatus.malformedRequest), maxAge: 0 }
const INTERNAL: OcspAnswer = { der: ocspError(OcspStatus.internalError), maxAge: 0 }

export class OcspResponder {
  private readonly cache = new Map<string, Entry>()
  /** Answers given since start, by certificate status or error (read by /metrics). */
  readonly answers = { good: 0, revoked: 0, unknown: 0, malformedRequest: 0, internalError: 0 }
  private readonly inflight = new Map<string, Promise<Entry>>()
  private epoch = 0
  private readonly validityMs: number
  private readonly maxEntries: number
  private identity: ResponderIdentity
  /** The issuing CA's own revocation, as an OCSP status for its certificates (see the file comment). */
  private issuerRevoked: { readonly revokedAt: Date; readonly reason: number } | undefined
  /** issuerNameHash/issuerKeyHash of the issuing CA per CertID hash OID. */
  private readonly issuerHashes = new Map<string, { name: Buffer; key: Buffer }>()

  constructor(
    private readonly db: Db,
    private readonly issuer: CaMember,
    responder: CaMember,
    options: OcspOptions = {},
  ) {
    this.validityMs = options.validityMs ?? 3600_000
    this.maxEntries = options.maxEntries ?? 200_000
    this.identity = OcspResponder.identityOf(responder)
    const keyBits = spkiPublicKeyBits(issuer.spki)
    for (const [hashOid, alg] of Object.entries(CERTID_HASHES)) {
      this.issuerHashes.set(hashOid, {
        name: createHash(alg).update(issuer.subject).digest(),
        key: createHash(alg).update(keyBits).digest(),
      })
    }
  }

  private static identityOf(responder: CaMember): ResponderIdentity {
    return {
      keyHash: createHash('sha1').update(spkiPublicKeyBits(responder.spki)).digest(),
      certificate: responder.der,
      signer: responder.signer,
    }
  }

  /**
   * Signs with a renewed responder certificate from now on. Cached responses embed the old
   * certificate, so they all go (the epoch bump also voids fills in flight).
   */
  useResponder(responder: CaMember): void {
    this.identity = OcspResponder.identityOf(responder)
    this.epoch++
    this.cache.clear()
    this.inflight.clear()
  }

  /**
   * The issuing CA certificate's revocation (undefined: not revoked). A change voids every cached
   * answer; calling again with the same revocation keeps them.
   */
  useIssuerRevocation(revocation: { readonly revokedAt: Date; readonly reason: string } | undefined): void {
    const next = revocation && {
      revokedAt: revocation.revokedAt,
      reason: revocation.reason === 'keyCompromise' || revocation.reason === 'cACompromise' ? CrlReason.cACompromise : (CrlReason[revocation.reason as keyof typeof CrlReason] ?? CrlReason.unspecified),
    }
    const same = next?.revokedAt.getTime() === this.issuerRevoked?.revokedAt.getTime() && next?.reason === this.issuerRevoked?.reason
    if (same) return
    this.issuerRevoked = next
    this.epoch++
    this.cache.clear()
    this.inflight.clear()
  }

  /**
   * Forgets every cached answer: after the change feed lost its connection, a notification may
   * have been missed, and the database is read again on the next request of each serial.
   */
  invalidateAll(): void {
    this.epoch++
    this.cache.clear()
    this.inflight.clear()
  }

  /** Forgets everything cached for `serialHex` (call after its status change has committed). */
  invalidate(serialHex: string): void {
    this.epoch++
    this.cache.delete(serialHex.toLowerCase())
    this.inflight.delete(serialHex.toLowerCase())
  }

  /**
   * The hot path, synchronous: a cached pre-signed answer for a no-nonce single request, or
   * undefined (then call respond). Saves the promise hops of respond on the common case.
   */
  tryCached(der: Uint8Array): OcspAnswer | undefined {
    let req
    try {
      req = parseOcspRequest(der)
    } catch {
      return undefined
    }
    if (req.nonceExtension || req.certs.length !== 1) return undefined
    const c = req.certs[0] as RequestedCert
    if (!this.ours(c)) return undefined
    const entry = this.cache.get(c.serialHex as string)
    const now = Date.now()
    if (!entry || entry.status.status === 'unknown' || now - entry.thisUpdate.getTime() >= this.validityMs / 4) return undefined
    const hit = entry.responses.get(c.certId.toString('latin1'))
    if (!hit) return undefined
    this.answers[entry.status.status]++
    return { der: hit, maxAge: Math.max(0, Math.floor((entry.nextUpdate.getTime() - now) / 1000)) }
  }

  /** Answers a DER OCSPRequest. Never throws: bad input → malformedRequest, failures → internalError. */
  async respond(der: Uint8Array): Promise<OcspAnswer> {
    let req
    try {
      req = parseOcspRequest(der)
    } catch (e) {
      this.answers.malformedRequest++
      if (e instanceof DerError || e instanceof RangeError) return MALFORMED
      return MALFORMED
    }
    try {
      const now = Date.now()
      if (!req.nonceExtension && req.certs.length === 1) {
        const c = req.certs[0] as RequestedCert
        const key = this.ours(c) ? c.serialHex : undefined
        if (key === undefined) return this.signNow(req.certs, undefined, now)
        const entry = await this.entry(key, now)
        const cacheKey = c.certId.toString('latin1')
        let der = entry.responses.get(cacheKey)
        if (!der) {
          der = signOcspResponse(this.identity, [singleResponse(c.certId, entry.status, entry.thisUpdate, entry.nextUpdate)], entry.thisUpdate)
          entry.responses.set(cacheKey, der)
        }
        this.answers[entry.status.status]++
        return { der, maxAge: Math.max(0, Math.floor((entry.nextUpdate.getTime() - now) / 1000)) }
      }
      return this.signNow(req.certs, req.nonceExtension, now)
    } catch (e) {
      console.error('OCSP responder failure', e)
      this.answers.internalError++
      return INTERNAL
    }
  }

  /** True when the CertID names our issuing CA (and a serial we can look up). */
  private ours(c: RequestedCert): boolean {
    const h = this.issuerHashes.get(c.hashOid)
    return !!h && c.serialHex !== undefined && h.name.equals(c.issuerNameHash) && h.key.equals(c.issuerKeyHash)
  }

  /** Signs a fresh response (nonce, several CertIDs, or a foreign issuer). */
  private async signNow(certs: readonly RequestedCert[], nonce: Buffer | undefined, now: number): Promise<OcspAnswer> {
    const singles: Buffer[] = []
    for (const c of certs) {
      const entry = this.ours(c) ? await this.entry(c.serialHex as string, now) : undefined
      const status: CertStatus = entry?.status ?? { status: 'unknown' }
      const thisUpdate = entry?.thisUpdate ?? new Date(Math.floor(now / 1000) * 1000)
      const nextUpdate = entry?.nextUpdate ?? new Date(thisUpdate.getTime() + this.validityMs)
      singles.push(singleResponse(c.certId, status, thisUpdate, nextUpdate))
      this.answers[status.status]++
    }
    const der = signOcspResponse(this.identity, singles, new Date(Math.floor(now / 1000) * 1000), nonce)
    return { der, maxAge: 0 }
  }

  /** The status entry of a serial: cached while fresh, else read (once, even under concurrency). */
  private async entry(serialHex: string, now: number): Promise<Entry> {
    const hit = this.cache.get(serialHex)
    if (hit && now - hit.thisUpdate.getTime() < this.validityMs / 4) {
      if (hit.status.status !== 'unknown') return hit
      const status = await this.lookup(serialHex)
      if (status.status === 'unknown') return hit
      this.cache.delete(serialHex)
    }
    let pending = this.inflight.get(serialHex)
    if (!pending) {
      const epoch = this.epoch
      pending = this.lookup(serialHex).then((status) => {
        const thisUpdate = new Date(Math.floor(Date.now() / 1000) * 1000)
        const entry: Entry = { status, thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + this.validityMs), responses: new Map() }
        // Only cache what no invalidation raced with (the status might be stale otherwise).
        if (epoch === this.epoch) {
          if (this.cache.size >= this.maxEntries) {
            const oldest = this.cache.keys().next().value
            if (oldest !== undefined) this.cache.delete(oldest)
          }
          this.cache.set(serialHex, entry)
        }
        return entry
      })
      const mine = pending
      this.inflight.set(serialHex, mine)
      mine.finally(() => {
        if (this.inflight.get(serialHex) === mine) this.inflight.delete(serialHex)
      }).catch(() => {})
    }
    return pending
  }

  private async lookup(serialHex: string): Promise<CertStatus> {
    const r = await sql<{ status: string; t: number | null; reason: number | null }>`
      select status, extract(epoch from revoked_at)::float8 as t, revocation_reason as reason
      from certificates where serial = ${serialHex} and issuer = ${this.issuer.name}`.execute(this.db)
    const row = r.rows[0]
    if (!row) return { status: 'unknown' }
    const own: CertStatus = row.status === 'good' ? { status: 'good' } : { status: 'revoked', revokedAt: new Date(Math.floor(Number(row.t)) * 1000), reason: Number(row.reason) }
    const ca = this.issuerRevoked
    if (!ca) return own
    const keepOwn = own.status === 'revoked' && own.reason !== CrlReason.certificateHold && own.revokedAt.getTime() <= ca.revokedAt.getTime()
    return keepOwn ? own : { status: 'revoked', revokedAt: ca.revokedAt, reason: ca.reason }
  }
}
