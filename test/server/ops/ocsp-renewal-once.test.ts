/**
 * The OCSP responder certificate renewal is a run-once job: two loaded CAs on one PostgreSQL
 * (two instances with DATA_DIRs of their own, the hierarchy in the database), each with its own
 * advisory-lock session. Only the lock holder renews; the
 * other takes the renewed certificate up from ca_authorities at its next check (same key, later
 * end) and answers OCSP with it; one audit row. When the holder goes, the other holds the lock.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadCertificateAuthority, type CertificateAuthority } from '../../../server/ca/authority.ts'
import { AdvisoryLock } from '../../../server/ops/index.ts'
import { useCaFixture, type CaFixture } from '../ca/helpers.ts'

const DAY = 24 * 3600_000

describe('OCSP responder renewal across instances (postgres)', () => {
  let f: CaFixture
  let tmp: string
  useCaFixture('postgres', 'qoltanba-ocsp-once-', (fixture, scratch) => {
    f = fixture
    tmp = scratch
  }, true)

  it('renews once, on the lock holder; the other instance takes the new certificate up', async () => {
    const lock1 = new AdvisoryLock(f.databaseUrl, 'ocsp-renewal')
    const lock2 = new AdvisoryLock(f.databaseUrl, 'ocsp-renewal')
    const load = (lock: AdvisoryLock, name: string) =>
      loadCertificateAuthority({ ...f.config, dataDir: join(tmp, name) }, f.db, { warmCrl: false, holdsJobLock: () => lock.tryAcquire() })
    let one: CertificateAuthority | undefined
    let two: CertificateAuthority | undefined
    try {
      one = await load(lock1, 'one')
      two = await load(lock2, 'two')
      const before = one.hierarchy.ocsp
      const now = new Date(before.notAfter.getTime() - 30 * DAY)
      expect(await two.checkOcspRenewal(now)).toBe('unchanged') // due, but instance one holds the job
      expect(await one.checkOcspRenewal(now)).toBe('renewed')
      expect(await two.checkOcspRenewal(now)).toBe('adopted')
      expect(two.hierarchy.ocsp.der).toEqual(one.hierarchy.ocsp.der)
      expect(two.hierarchy.ocsp.serial.equals(before.serial)).toBe(false)
      expect(two.hierarchy.ocsp.spki).toEqual(before.spki)
      // The renewal is in the database's CA store: a new instance starts with it.
      const three = await loadCertificateAuthority({ ...f.config, dataDir: join(tmp, 'three') }, f.db, { warmCrl: false, holdsJobLock: async () => false })
      expect(three.hierarchy.ocsp.der).toEqual(one.hierarchy.ocsp.der)
      three.close()
      expect(existsSync(join(tmp, 'one', 'ca')) || existsSync(join(tmp, 'two', 'ca'))).toBe(false)
      const audits = await f.db.selectFrom('audit_log').select('id').where('action', '=', 'ca.ocsp_renew').execute()
      expect(audits).toHaveLength(1)
      // A second check changes nothing anywhere.
      expect(await two.checkOcspRenewal(now)).toBe('unchanged')
      expect(await one.checkOcspRenewal(now)).toBe('unchanged')

      // Instance one goes away: its session ends and instance two holds the job from now on.
      one.close()
      one = undefined
      await lock1.release()
      expect(await lock2.tryAcquire()).toBe(true)
    } finally {
      one?.close()
      two?.close()
      await lock1.release()
      await lock2.release()
    }
  })
})
