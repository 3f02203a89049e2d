import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { openDB } from 'idb'
import { createPinia, defineStore, setActivePinia, type Pinia } from 'pinia'
import { createApp, ref } from 'vue'
import { resetAllStores, storeRegistry } from '../../src/stores/registry.ts'
import { useContainersStore } from '../../src/stores/containers.ts'
import { KIOSK_DEVICE_KEY } from '../../src/kiosk/config.ts'
import { closeConnectionsOnVersionChange } from '../../src/kiosk/idb-connections.ts'
import { HANDOVER_DATABASES, wipeUserData } from '../../src/kiosk/wipe.ts'
import { installWebStubs, type MemoryCacheStorage, type MemoryStorage } from './web-stubs.ts'

const useNotesStore = defineStore('notes', () => {
  const notes = ref<string[]>([])
  function $reset(): void {
    notes.value = []
  }
  return { notes, $reset }
})

let pinia: Pinia
let local: MemoryStorage
let session: MemoryStorage
let cacheStorage: MemoryCacheStorage

beforeEach(async () => {
  ;({ local, session, cacheStorage } = installWebStubs())
  pinia = createPinia()
  pinia.use(storeRegistry)
  // Pinia applies plugins (the store registry) once installed in an app, as in src/main.ts.
  createApp({}).use(pinia)
  setActivePinia(pinia)
  for (const db of await indexedDB.databases()) if (db.name) indexedDB.deleteDatabase(db.name)
})

async function databaseNames(): Promise<string[]> {
  return (await indexedDB.databases()).map((d) => d.name!).sort()
}

describe('kiosk session wipe', () => {
  it('removes keys, databases, runtime caches, storage and store state; keeps the precache and the kiosk setting', async () => {
    closeConnectionsOnVersionChange()
    // A person's session: a key container (unlocked, in memory), another module's open
    // database it never closes, runtime caches, storage, store state.
    const containers = useContainersStore()
    const id = await containers.createContainer('Applicant', 'applicant-password', 'P-256')
    const keystore = await containers.useKeystore()
    expect(keystore.isUnlocked(id)).toBe(true)
    const stray = await openDB('some-module-db', 1, { upgrade: (db) => void db.createObjectStore('rows') })
    await stray.put('rows', { personal: true }, 1)
    useNotesStore().notes.push('IIN 900101300017')
    await (await cacheStorage.open('workbox-precache-v2-http://kiosk/')).put('/index.html')
    await (await cacheStorage.open('qoltanba-runtime-api')).put('/api/v1/me')
    local.setItem('qoltanba.locale', 'ru')
    local.setItem(KIOSK_DEVICE_KEY, '{"source":"server","idleSeconds":90,"warnSeconds":25}')
    session.setItem('step', 'storage')
    expect(await databaseNames()).toEqual(['qoltanba-keystore', 'some-module-db'])

    let loggedOut = 0
    const report = await wipeUserData({ resetStores: () => resetAllStores(pinia), logout: async () => void loggedOut++, timeoutMs: 2000 })

    expect(report.blocked).toEqual([])
    expect(report.databases.sort()).toEqual(['qoltanba-applications', 'qoltanba-centers', 'qoltanba-keystore', 'qoltanba-signatures', 'some-module-db'])
    expect(await databaseNames()).toEqual([])
    expect(keystore.isUnlocked(id)).toBe(false)
    expect(containers.containers).toEqual([])
    expect(useNotesStore().notes).toEqual([])
    expect(report.stores).toEqual(expect.arrayContaining(['containers', 'notes']))
    expect(report.caches).toEqual(['qoltanba-runtime-api'])
    expect(await cacheStorage.keys()).toEqual(['workbox-precache-v2-http://kiosk/'])
    expect(local.keys()).toEqual([KIOSK_DEVICE_KEY])
    expect(session.length).toBe(0)
    expect(loggedOut).toBe(1)
    expect(report.loggedOut).toBe(true)
  })

  it('a role switch keeps the applicant\'s waiting keys and applications, and nothing else', async () => {
    closeConnectionsOnVersionChange()
    const containers = useContainersStore()
    const id = await containers.createContainer('Applicant', 'applicant-password', 'P-256')
    const stray = await openDB('some-module-db', 1, { upgrade: (db) => void db.createObjectStore('rows') })
    await stray.put('rows', { personal: true }, 1)
    local.setItem('qoltanba.locale', 'ru')

    const report = await wipeUserData({ resetStores: () => resetAllStores(pinia), logout: async () => undefined, keepDatabases: HANDOVER_DATABASES, timeoutMs: 2000 })

    expect(report.blocked).toEqual([])
    expect(report.databases).toEqual(['some-module-db'])
    expect(await databaseNames()).toEqual(['qoltanba-keystore'])
    expect(local.length).toBe(0)
    // The container is still there (locked: the keys left memory), for the applicant's return.
    await containers.refresh()
    expect(containers.containers.map((c) => [c.id, c.unlocked])).toEqual([[id, false]])
  })

  it('still wipes when the server cannot be reached, and says so', async () => {
    local.setItem('x', '1')
    const report = await wipeUserData({ resetStores: () => resetAllStores(pinia), logout: () => Promise.reject(new Error('offline')), timeoutMs: 500 })
    expect(report.loggedOut).toBe(false)
    expect(local.length).toBe(0)
  })

  it('a connection another module keeps open closes itself instead of blocking the wipe', async () => {
    closeConnectionsOnVersionChange()
    const request = indexedDB.open('held-open', 1)
    const held = await new Promise<IDBDatabase>((resolve) => (request.onsuccess = () => resolve(request.result)))
    const report = await wipeUserData({ resetStores: () => resetAllStores(pinia), logout: async () => undefined, knownDatabases: [], timeoutMs: 2000 })
    expect(report.blocked).toEqual([])
    expect(report.databases).toContain('held-open')
    expect(await databaseNames()).toEqual([])
    // The module's handle is closed: using it fails instead of reading a deleted database.
    expect(() => held.transaction([])).toThrow()
  })
})
