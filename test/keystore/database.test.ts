import 'fake-indexeddb/auto'
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { deleteDB, openDB } from 'idb'
import { KeystoreDatabase } from '../../src/keystore/database.ts'
import { migrations, SCHEMA_VERSION } from '../../src/keystore/migrations.ts'
import { rejectsWithCode } from './helpers.ts'

const names: string[] = []
function dbName(): string {
  const name = `keystore-db-${randomUUID()}`
  names.push(name)
  return name
}
afterEach(async () => {
  await Promise.all(names.splice(0).map((n) => deleteDB(n)))
})

const container = { id: 'c1', name: 'Old', createdAt: 1, updatedAt: 1, source: 'generated' as const }

describe('keystore database', () => {
  it('upgrades a version-1 database step by step and keeps its data', async () => {
    const name = dbName()
    const v1 = await openDB(name, 1, {
      upgrade: (db, _old, _new, tx) => migrations[0]!(db as never, tx as never),
    })
    await v1.put('containers', container)
    v1.close()

    const db = new KeystoreDatabase(name)
    const conn = await db.connection()
    expect(conn.version).toBe(SCHEMA_VERSION)
    expect([...conn.objectStoreNames].sort()).toEqual(['attempts', 'certificates', 'containers', 'keys', 'passkeyVaults', 'passkeys'])
    expect(await conn.get('containers', 'c1')).toEqual(container)
    db.close()
  })

  it('reopens once when the connection was lost (iOS "Connection to Indexed Database server lost")', async () => {
    const db = new KeystoreDatabase(dbName())
    await db.write(['containers'], (tx) => tx.objectStore('containers').put(container))
    // Close the live connection behind the wrapper's back, as WebKit does when it kills the IDB server.
    ;(await db.connection()).close()
    expect(await db.run((conn) => conn.get('containers', 'c1'))).toEqual(container)
    db.close()
  })

  it('retries once on a fresh connection after UnknownError, and gives up after a second one', async () => {
    const db = new KeystoreDatabase(dbName())
    await db.write(['containers'], (tx) => tx.objectStore('containers').put(container))
    const proto = IDBDatabase.prototype
    const transaction = proto.transaction
    let failures = 1
    let calls = 0
    proto.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      calls++
      if (failures-- > 0) throw new DOMException('Connection to Indexed Database server lost. Refresh the page to try again', 'UnknownError')
      return transaction.apply(this, args)
    } as IDBDatabase['transaction']
    try {
      expect(await db.run((conn) => conn.get('containers', 'c1'))).toEqual(container)
      expect(calls).toBe(2)
      failures = 2
      const error = await rejectsWithCode(db.run((conn) => conn.get('containers', 'c1')), 'ERR_STORAGE_FAILED')
      expect(error.details.reason).toBe('UnknownError')
    } finally {
      proto.transaction = transaction
    }
    db.close()
  })

  it('aborts the whole transaction when any write in it fails', async () => {
    const db = new KeystoreDatabase(dbName())
    await rejectsWithCode(
      db.write(['containers', 'keys'], async (tx) => {
        await tx.objectStore('containers').put(container)
        // A duplicate key fails the second add: the first put must not survive.
        await tx.objectStore('keys').add({ id: 'k', containerId: 'c1' } as never)
        await tx.objectStore('keys').add({ id: 'k', containerId: 'c1' } as never)
      }),
      'ERR_STORAGE_FAILED',
    )
    expect(await db.run((conn) => conn.count('containers'))).toBe(0)
    expect(await db.run((conn) => conn.count('keys'))).toBe(0)
    db.close()
  })
})
