/**
 * The timestamp authority: its key and certificate (a delegated member of the CA hierarchy, made
 * on first use, kept and renewed exactly like the OCSP responder's — server/ca/delegates.ts
 * addDelegate/renewDelegate), TSTInfo serials from the database sequence tsa_serial, and the
 * answer to one request body.
 */
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/schema.ts'
import { recordedRenewal, recordMember, renewDelegateIfDue, type CertificateAuthority } from '../ca/authority.ts'
import { addDelegate, loadDelegate } from '../ca/delegates.ts'
import { readManifest, TSA_NAME, type CaConfig, type CaMember } from '../ca/hierarchy.ts'
import { buildTstInfo, grantedResponse, parseTimeStampRequest, rejectionResponse, TspRejection, type FailInfoName } from './tsp-der.ts'

/** TSA_POLICY_OID and TSA_ACCURACY_MS (server/config.ts). */
export interface TsaSettings {
  /** The policy every token names; a request asking for another gets unacceptedPolicy. */
  readonly policyOid: string
  /** The accuracy stated in every token, in milliseconds (0: none stated). */
  readonly accuracyMs: number
}

export interface TsaOpenOptions {
  /** PBKDF2 iterations of a new key file (tests lower it). */
  readonly keyIterations?: number
  /** The clock of the creation and the load-time renewal check (tests move it). */
  readonly now?: Date
  /** Period of the renewal check (default 12 h, as for the OCSP responder). */
  readonly renewalCheckMs?: number
}

/** One answer: the DER TimeStampResp, and the failure when it is a rejection. */
export interface TsaAnswer {
  readonly der: Buffer
  readonly failInfo?: FailInfoName
}

const RENEWAL_CHECK_MS = 12 * 3600_000
/**
 * Serials reserved from the sequence in one query: a query per token would cost more than the
 * rest of the request on the embedded database (~0.3 ms each). Unused ones are lost at a
 * restart; RFC 3161 §2.4.2 asks serials to be unique, not consecutive.
 */
const SERIAL_BATCH = 64

export class TimestampAuthority {
  private member!: CaMember
  private certHash!: Buffer
  private readonly timer: NodeJS.Timeout
  /** Reserved serials, the smallest last (pop). */
  private readonly serials: bigint[] = []
  private reserving: Promise<void> | undefined

  private constructor(
    private readonly config: CaConfig,
    private readonly db: Db,
    private readonly ca: CertificateAuthority,
    private readonly settings: TsaSettings,
    member: CaMember,
    renewalCheckMs: number,
  ) {
    this.use(member)
    this.timer = setInterval(() => {
      this.checkRenewal().catch((e: unknown) => console.error('TSA certificate renewal failed (retried in 12 h)', e))
    }, renewalCheckMs)
    this.timer.unref()
  }

  /**
   * Opens the TSA of `ca`: loads tsa.pem and its key from the CA store, or makes them (a hierarchy made
   * before the TSA existed gets one on first use), records the certificate in ca_authorities and
   * renews it when due (on the instance holding the 'tsa-renewal' job lock).
   */
  static async open(config: CaConfig, db: Db, ca: CertificateAuthority, settings: TsaSettings, options: TsaOpenOptions = {}): Promise<TimestampAuthority> {
    const { store, issuing } = ca.hierarchy
    const member =
      (await loadDelegate(config, store, await readManifest(store), TSA_NAME)) ??
      (await addDelegate(config, { manifest: await readManifest(store), issuing, store }, TSA_NAME, 'TIMESTAMP AUTHORITY', options))
    try {
      await recordMember(db, { manifest: await readManifest(store), store }, member)
      const tsa = new TimestampAuthority(config, db, ca, settings, member, options.renewalCheckMs ?? RENEWAL_CHECK_MS)
      await tsa.checkRenewal(options.now)
      return tsa
    } catch (e) {
      member.signer.close()
      throw e
    }
  }

  /** The TSA certificate in use. */
  get certificate(): CaMember {
    return this.member
  }

  private use(member: CaMember): void {
    this.member = member
    this.certHash = createHash('sha256').update(member.der).digest()
  }

  /** Renews the TSA certificate when it ends within OCSP_RENEW_BEFORE_MS; true when it did. */
  async renewIfDue(now = new Date()): Promise<boolean> {
    const renewed = await renewDelegateIfDue(this.config, this.db, this.ca.hierarchy, this.member, now)
    if (renewed) {
      this.use(renewed)
      console.warn(`TSA certificate renewed: serial ${renewed.serial.toString('hex')}, valid until ${renewed.notAfter.toISOString()}`)
    }
    return renewed !== undefined
  }

  /**
   * The periodic check with several instances on one database, as for the OCSP responder
   * (CertificateAuthority.checkOcspRenewal): takes up a certificate another instance renewed
   * (same key, later end, recorded in ca_authorities), then renews if due — only while this
   * instance holds the 'tsa-renewal' job lock, so one instance renews and writes one audit row.
   */
  async checkRenewal(now = new Date()): Promise<'renewed' | 'adopted' | 'unchanged'> {
    const recorded = await recordedRenewal(this.db, this.member)
    if (recorded) this.use(recorded)
    if ((await this.ca.holdsJobLock('tsa-renewal')) && (await this.renewIfDue(now))) return 'renewed'
    return recorded ? 'adopted' : 'unchanged'
  }

  /** The next TSTInfo serial: unique across requests and processes sharing the database. */
  private async nextSerial(): Promise<bigint> {
    for (;;) {
      const serial = this.serials.pop()
      if (serial !== undefined) return serial
      // One reservation at a time; every waiter takes from it, and waits again if it ran out.
      this.reserving ??= this.reserveSerials().finally(() => {
        this.reserving = undefined
      })
      await this.reserving
    }
  }

  private async reserveSerials(): Promise<void> {
    const { rows } = await sql<{ n: string }>`select nextval('tsa_serial')::text as n from generate_series(1, ${SERIAL_BATCH})`.execute(this.db)
    this.serials.push(...rows.map((r) => BigInt(r.n)).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)))
  }

  /**
   * Answers one DER TimeStampReq. A request we refuse gets a rejection with its failInfo; a
   * revoked issuing CA or a database failure gets systemFailure (thrown errors other than
   * TspRejection are the caller's to log).
   */
  async respond(body: Uint8Array, now?: Date): Promise<TsaAnswer> {
    let request
    try {
      request = parseTimeStampRequest(body, this.settings.policyOid)
      if (this.ca.issuingCaRevocation()) throw new TspRejection('systemFailure', 'the issuing CA of this TSA is revoked: no timestamps are issued')
    } catch (e) {
      if (e instanceof TspRejection) return { der: rejectionResponse(e), failInfo: e.failInfo }
      throw e
    }
    const serial = await this.nextSerial()
    const genTime = now ?? new Date()
    const tstInfo = buildTstInfo(request, { policy: this.settings.policyOid, serial, genTime, accuracyMs: this.settings.accuracyMs })
    const member = this.member
    return { der: await grantedResponse(tstInfo, member, this.certHash, member.signer, request.certReq, genTime) }
  }

  /** Stops the renewal timer and closes the key. */
  close(): void {
    clearInterval(this.timer)
    this.member.signer.close()
  }
}
