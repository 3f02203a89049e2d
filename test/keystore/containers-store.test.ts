import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useContainersStore } from '../../src/stores/containers.ts'
import { deleteKeystoreDatabase, DEFAULT_DB_NAME } from '../../src/keystore/index.ts'

beforeEach(async () => {
  setActivePinia(createPinia())
  await deleteKeystoreDatabase()
})

describe('containers store', () => {
  it('loads lazily, mirrors lock changes, and forgets everything on $reset', async () => {
    const store = useContainersStore()
    expect(store.loaded).toBe(false)
    await store.refresh()
    expect(store.loaded).toBe(true)
    expect(store.containers).toEqual([])

    const id = await store.createContainer('Store test', 'store-password', 'P-256')
    expect(store.containers.map((c) => [c.id, c.name, c.unlocked])).toEqual([[id, 'Store test', true]])
    store.lock(id)
    expect(store.containers[0]?.unlocked).toBe(false)
    await store.unlock(id, 'store-password')
    expect(store.containers[0]?.unlocked).toBe(true)
    expect(await store.checkKeys(id)).toBe(true)

    const keystore = await store.useKeystore()
    store.$reset()
    expect(store.containers).toEqual([])
    expect(store.loaded).toBe(false)
    expect(keystore.isUnlocked(id)).toBe(false)
    // A new instance comes up on next use, with the container locked.
    expect(await store.useKeystore()).not.toBe(keystore)

    // The kiosk wipe deletes the database; nothing is left for the next person.
    await deleteKeystoreDatabase(DEFAULT_DB_NAME)
    await store.refresh()
    expect(store.containers).toEqual([])
  })
})
