/**
 * The TSA certificate renewal and the root CRL re-signing are run-once jobs, like the OCSP
 * responder's renewal (ocsp-renewal-once.test.ts): two loaded CAs on one PostgreSQL (two
 * instances with DATA_DIRs of their own, the hierarchy in the database, each with its own
 * JobLocks sessions, as server/main.ts makes them). Only the holder of a job's lock does it: one
 * TSA renewal and one audit row, the other TSA takes the certificate up from ca_authorities; one
 * root CRL signature (one CRL number), the other instance serves the current CRL until the
 * holder's new one is in the database, then that one. When the holder goes, the other
 * instance takes the jobs over.
 */
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { describe, expect, it } from 'vitest'
import { loadCertificateAuthority, type CertificateAuthority } from '../../../server/ca/authority.ts'
import { ROOT_NAME } from '../../../server/ca/hierarchy.ts'
import { JobLocks } from '../../../server/ops/index.ts'
import { DEFAULT_TSA_POLICY_OID } from '../../../server/config.ts'
import { TimestampAuthority } from '../../../server/tsa/timestamp-authority.ts'
import { AlgorithmOid } from '../../../src/pki/oids.ts'
import { useCaFixture, type CaFixture } from '../ca/helpers.ts'

const DAY = 24 * 3600_000

function timestampRequest(): Buffer {
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: AlgorithmOid.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: createHash('sha256').update('document').digest() }),
    }),
    certReq: true,
  })
  return Buffer.from(req.toSchema().toBER(false))
}

describe('CA jobs across instances (postgres)', () => {
  let f: CaFixture
  let tmp: string
  useCaFixture('postgres', 'qoltanba-ca-jobs-once-', (fixture, scratch) => {
    f = fixture
    tmp = scratch
  }, true)
  /** The configuration of instance `name`: a DATA_DIR of its own, the shared database. */
  const configOf = (name: string) => ({ ...f.config, dataDir: join(tmp, name) })
  const settings = { policyOid: DEFAULT_TSA_POLICY_OID, accuracyMs: 0 }

  /** Two instances; instance one takes its locks first, so it holds every job. */
  async function twoInstances(): Promise<{ one: CertificateAuthority; two: CertificateAuthority; locks1: JobLocks; locks2: JobLocks }> {
    const locks1 = new JobLocks(f.databaseUrl)
    const locks2 = new JobLocks(f.databaseUrl)
    for (const job of ['tsa-renewal', 'root-crl']) expect(await locks1.holds(job)).toBe(true)
    const one = await loadCertificateAuthority(configOf('one'), f.db, { warmCrl: false, holdsJobLock: (job) => locks1.holds(job) })
    const two = await loadCertificateAuthority(configOf('two'), f.db, { warmCrl: false, holdsJobLock: (job) => locks2.holds(job) })
    return { one, two, locks1, locks2 }
  }

  it('renews the TSA certificate once, on the lock holder; the other TSA takes it up', async () => {
    const { one, two, locks1, locks2 } = await twoInstances()
    let tsa1: TimestampAuthority | undefined
    let tsa2: TimestampAuthority | undefined
    try {
      // Both open at once: one makes the TSA key and certificate in the database, the other's
      // attempt finds them there and opens those (a second key is dropped).
      ;[tsa1, tsa2] = await Promise.all([TimestampAuthority.open(configOf('one'), f.db, one, settings), TimestampAuthority.open(configOf('two'), f.db, two, settings)])
      const before = tsa1.certificate
      expect(tsa2.certificate.der).toEqual(before.der)
      const now = new Date(before.notAfter.getTime() - 30 * DAY)
      expect(await tsa2.checkRenewal(now)).toBe('unchanged') // due, but instance one holds the job
      expect(await tsa1.checkRenewal(now)).toBe('renewed')
      expect(await tsa2.checkRenewal(now)).toBe('adopted')
      expect(tsa2.certificate.der).toEqual(tsa1.certificate.der)
      expect(tsa2.certificate.serial.equals(before.serial)).toBe(false)
      expect(tsa2.certificate.spki).toEqual(before.spki)
      const audits = await f.db.selectFrom('audit_log').select('id').where('action', '=', 'ca.tsa_renew').execute()
      expect(audits).toHaveLength(1)
      expect(await tsa2.checkRenewal(now)).toBe('unchanged')
      expect(await tsa1.checkRenewal(now)).toBe('unchanged')
      // Instance two's tokens carry the renewed certificate (its own key signed them).
      const answer = pkijs.TimeStampResp.fromBER(new Uint8Array((await tsa2.respond(timestampRequest())).der))
      expect(answer.status.status).toBe(pkijs.PKIStatus.granted)
      const signed = new pkijs.SignedData({ schema: (answer.timeStampToken as pkijs.ContentInfo).content })
      expect(Buffer.from((signed.certificates?.[0] as pkijs.Certificate).toSchema().toBER(false))).toEqual(tsa1.certificate.der)

      // Instance one goes: instance two holds the job from now on.
      tsa1.close()
      tsa1 = undefined
      await locks1.releaseAll()
      expect(await two.holdsJobLock('tsa-renewal')).toBe(true)
    } finally {
      tsa1?.close()
      tsa2?.close()
      one.close()
      two.close()
      await locks1.releaseAll()
      await locks2.releaseAll()
    }
  })

  it('re-signs the root CRL once, on the lock holder; the other instance serves the holder’s file', async () => {
    const { one, two, locks1, locks2 } = await twoInstances()
    const rootNumber = async () =>
      Number((await f.db.selectFrom('ca_crl_state').select('crl_number').where('issuer', '=', ROOT_NAME).executeTakeFirstOrThrow()).crl_number)
    try {
      const before = one.rootCrl()
      const numberBefore = await rootNumber()
      const late = new Date(before.nextUpdate.getTime() - 10 * DAY) // under 30 days left: due
      // Instance two does not hold the job: it keeps serving the current CRL and signs nothing.
      expect((await two.refreshRootCrl(late)).der).toEqual(before.der)
      expect(await rootNumber()).toBe(numberBefore)
      const renewed = await one.refreshRootCrl(late)
      expect(renewed.crlNumber).toBeGreaterThan(before.crlNumber)
      expect(renewed.nextUpdate.getTime()).toBeGreaterThan(before.nextUpdate.getTime())
      expect(await rootNumber()).toBe(numberBefore + 1)
      // Instance two's next check finds the holder's CRL (in the database's ca_files) and serves it.
      expect((await two.refreshRootCrl(late)).der).toEqual(renewed.der)
      expect(two.rootCrl().der).toEqual(renewed.der)
      expect(await rootNumber()).toBe(numberBefore + 1)

      // The holder goes: instance two signs the next time one is due.
      await locks1.releaseAll()
      const later = new Date(renewed.nextUpdate.getTime() - 10 * DAY)
      const byTwo = await two.refreshRootCrl(later)
      expect(byTwo.crlNumber).toBeGreaterThan(renewed.crlNumber)
      expect(await rootNumber()).toBe(numberBefore + 2)
    } finally {
      one.close()
      two.close()
      await locks1.releaseAll()
      await locks2.releaseAll()
    }
  })

})
