/**
 * CRL entries encoded by the database (certificates.crl_entry, migration 004) and patched in
 * memory (CrlEntries): the database's encoder matches crlEntry byte for byte, the list follows
 * revocations, holds and releases, and the first CRL after a start (one query over crl_entry)
 * equals the CRL the running publisher built incrementally — on PGlite and PostgreSQL.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { crlEntry } from '../../../server/ca/crl-build.ts'
import { CrlEntries, serialKey } from '../../../server/ca/crl-entries.ts'
import { CrlPublisher } from '../../../server/ca/crl.ts'
import { childrenOf, readTlv } from '../../../src/pki/der-reader.ts'
import { changeStatus } from '../../../server/ca/revocation.ts'
import { DB_KINDS, issueTestCertificate, opensslAll, setupCa, useCaFixture, type CaFixture } from './helpers.ts'

/** The revokedCertificates entries of a CRL, as hex, sorted. */
function entriesOf(crl: Buffer): string[] {
  const tbs = childrenOf(crl, readTlv(crl, 0))[0]!
  const fields = childrenOf(crl, tbs)
  // version, signature, issuer, thisUpdate, nextUpdate, then revokedCertificates if any.
  const list = fields[5]?.tag === 0x30 ? fields[5] : undefined
  return list ? childrenOf(crl, list).map((e) => crl.toString('hex', e.start, e.end)).sort() : []
}

const hexOf = (...entries: Buffer[]) => entries.map((e) => e.toString('hex')).sort()

describe('CrlEntries (the in-memory list between regenerations)', () => {
  const e = (serial: string, reason = 1, t = '2026-01-02T03:04:05Z') => crlEntry(Buffer.from(serial.length % 2 ? `0${serial}` : serial, 'hex'), new Date(t), reason)

  it('replaces, drops and adds entries by serial, whatever the serial looks like', () => {
    const list = new CrlEntries()
    const a = e('4a11')
    const b = e('ff01') // top bit set: DER adds a 0x00 byte
    const c = e('00') // serial 0
    const d = e('0102030405060708090a')
    list.reset(Buffer.concat([a, b, c, d]), 4)
    expect(list.list().count).toBe(4)
    list.set('4A11', e('4a11', 6)) // held instead of revoked: replaced, not duplicated
    list.set('00ff01', null) // released (leading zero bytes in the key do not matter)
    list.set('0', null)
    list.set('77', null) // never listed: nothing to drop
    list.set('abc', e('abc', 0)) // new, odd-length hex
    const now = list.list()
    expect(now.count).toBe(3)
    expect(entriesOf(wrap(now.der))).toEqual(hexOf(e('4a11', 6), d, e('abc', 0)))
    // Applying the same changes again (the delta read overlaps) changes nothing.
    list.set('4a11', e('4a11', 6))
    list.set('abc', e('abc', 0))
    expect(list.list().count).toBe(3)
    expect(entriesOf(wrap(list.list().der))).toEqual(hexOf(e('4a11', 6), d, e('abc', 0)))
    expect(serialKey('00AB')).toBe('ab')
  })
})

/** A minimal CRL-shaped wrapper so entriesOf can read a bare entry list. */
function wrap(entries: Buffer): Buffer {
  const tlv = (tag: number, body: Buffer) => {
    const n = body.length
    const len = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : n < 0x10000 ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff])
    return Buffer.concat([Buffer.from([tag]), len, body])
  }
  const filler = Buffer.from([0x02, 0x01, 0x01])
  return tlv(0x30, tlv(0x30, Buffer.concat([filler, filler, filler, filler, filler, tlv(0x30, entries)])))
}

describe.each(DB_KINDS)('CRL entries in the database on %s', (kind) => {
  let f: CaFixture
  let tmp: string
  useCaFixture(kind, 'qoltanba-crl-entries-', (fixture, dir) => {
    f = fixture
    tmp = dir
  })

  it('encodes entries exactly as crlEntry does (serial forms, UTCTime and GeneralizedTime, every reason)', async () => {
    const serials = ['40112233445566778899aabbccddeeff', 'ff', '00ab', 'abc', '00', '7f' + 'ee'.repeat(31)]
    const times = ['2026-11-23T18:46:38Z', '1950-01-01T00:00:00Z', '2049-12-31T23:59:59Z', '2050-01-01T00:00:00Z', '1949-12-31T23:59:59Z', '2026-06-01T12:00:00.999Z']
    const reasons = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10]
    const cases = serials.flatMap((serial, i) => times.map((t, j) => ({ serial, t, reason: reasons[(i + j) % reasons.length]! })))
    for (const reason of reasons) cases.push({ serial: '4a', t: times[0]!, reason })
    for (const c of cases) {
      const row = await sql<{ der: Uint8Array }>`select crl_entry_der(${c.serial}, ${new Date(c.t)}::timestamptz, ${c.reason}::int) as der`.execute(f.db)
      const hex = c.serial.length % 2 ? `0${c.serial}` : c.serial
      const expected = crlEntry(Buffer.from(hex, 'hex'), new Date(Math.floor(Date.parse(c.t) / 1000) * 1000), c.reason)
      expect(Buffer.from(row.rows[0]!.der).toString('hex'), JSON.stringify(c)).toBe(expected.toString('hex'))
    }
  })

  it('the first CRL after a start (one query over crl_entry) equals the incrementally built one', async () => {
    const certs = await Promise.all([0, 1, 2, 3, 4, 5].map(() => issueTestCertificate(f)))
    const [revoked, held, released, heldThenRevoked, unspecified, good] = certs.map((c) => c.serialHex) as string[]
    const change = async (op: Parameters<typeof changeStatus>[2], serial: string) => {
      await changeStatus(f.db, f.ca, op, serial, 'operator:test')
      await f.ca.crl.flush()
    }
    await change({ action: 'revoke', reason: 1 }, revoked!)
    await change({ action: 'hold' }, held!)
    await change({ action: 'hold' }, released!)
    await change({ action: 'hold' }, heldThenRevoked!)
    await change({ action: 'release' }, released!)
    await change({ action: 'revoke', reason: 4 }, heldThenRevoked!)
    await change({ action: 'revoke', reason: 0 }, unspecified!)
    const warm = await f.ca.crl.flush()

    // What the CRL must hold: every revoked or held certificate, from the rows, encoded in JS.
    const rows = await f.db.selectFrom('certificates').select(['serial', 'status', 'revoked_at', 'revocation_reason', 'crl_entry']).where('status', '<>', 'good').execute()
    expect(rows.map((r) => r.serial).sort()).toEqual([revoked, held, heldThenRevoked, unspecified].sort())
    const expected = hexOf(...rows.map((r) => crlEntry(Buffer.from(r.serial, 'hex'), new Date(r.revoked_at!), r.revocation_reason!)))
    const releasedRow = await f.db.selectFrom('certificates').select(['crl_entry']).where('serial', 'in', [released!, good!]).execute()
    expect(releasedRow.map((r) => r.crl_entry)).toEqual([null, null])

    expect(warm.entries).toBe(4)
    expect(entriesOf(warm.der)).toEqual(expected)
    const cold = new CrlPublisher(f.db, f.ca.hierarchy.issuing)
    const first = await cold.regenerate()
    cold.close()
    expect(first.entries).toBe(4)
    expect(entriesOf(first.der)).toEqual(expected)

    const path = join(tmp, 'cold.crl')
    writeFileSync(path, first.der)
    const check = opensslAll(['crl', '-inform', 'DER', '-in', path, '-CAfile', f.issuingPem, '-noout'])
    expect(check.out).toMatch(/verify OK/)
  })
})

describe('an empty CRL', () => {
  it('has no revokedCertificates and counts 0 entries', async () => {
    const f = await setupCa('pglite')
    try {
      const publisher = new CrlPublisher(f.db, f.ca.hierarchy.issuing)
      const crl = await publisher.regenerate()
      publisher.close()
      expect(crl.entries).toBe(0)
      expect(entriesOf(crl.der)).toEqual([])
    } finally {
      await f.close()
    }
  })
})
