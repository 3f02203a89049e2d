/**
 * Helpers of the kiosk specs: a real server with KIOSK=1 on its own port (4190-4199 are the
 * kiosk specs'), and a look at every place a browser can keep a trace of a person.
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, type Page } from '@playwright/test'

/** A kiosk server started by a spec. */
export interface KioskServer {
  readonly url: string
  stop(): Promise<void>
}

/** Idle timings the specs use (the clock is fast-forwarded, nothing waits for them). */
export const KIOSK_IDLE_SECONDS = 90
export const KIOSK_WARN_SECONDS = 25

async function builtDist(dataDir: string): Promise<string> {
  // QOLTANBA_KIOSK_DIST: run against another build (e.g. while dist/ is being rebuilt).
  const source = process.env.QOLTANBA_KIOSK_DIST ?? 'dist'
  const deadline = Date.now() + 120_000
  while (!(existsSync(join(source, 'index.html')) && existsSync(join(source, 'sw.js')))) {
    if (Date.now() > deadline) throw new Error(`no built PWA in ${source} (run npm run build)`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  const target = join(dataDir, 'dist')
  cpSync(source, target, { recursive: true })
  return target
}

/** Starts server/main.ts with KIOSK=1 (extra env merged in); resolves when healthy. */
export async function startKioskServer(port: number, extraEnv: Record<string, string> = {}): Promise<KioskServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qoltanba-kiosk-'))
  const distDir = await builtDist(dataDir)
  const url = `http://localhost:${port}`
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DIST_DIR: distDir,
      DATA_DIR: dataDir,
      PUBLIC_URL: url,
      LOG_LEVEL: 'warn',
      CA_KEY_ALGORITHM: 'P-256',
      KIOSK: '1',
      KIOSK_IDLE_SECONDS: String(KIOSK_IDLE_SECONDS),
      KIOSK_WARN_SECONDS: String(KIOSK_WARN_SECONDS),
      ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // A first start creates a CA and migrates the embedded database: slow on a busy 2-core machine.
  const deadline = Date.now() + 240_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kiosk server exited with ${child.exitCode}`)
    if (await fetch(`http://127.0.0.1:${port}/api/v1/health`).then((r) => r.ok, () => false)) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error('kiosk server did not become healthy')
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Every place of this origin that can hold a person's data, as the page sees it. */
export interface Traces {
  /** IndexedDB databases and how many records they hold in all. */
  readonly databases: { name: string; records: number }[]
  /** Cache Storage: cache name → request paths. */
  readonly caches: Record<string, string[]>
  readonly localStorage: Record<string, string>
  readonly sessionStorage: Record<string, string>
  /** A service worker controls the page. */
  readonly controlled: boolean
}

/** Reads every trace (opening each database read-only to count its records). */
export function readTraces(page: Page): Promise<Traces> {
  return page.evaluate(async () => {
    const databases: { name: string; records: number }[] = []
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(info.name!)
        req.onsuccess = () => resolve(req.result)
        req.onerror = () => reject(req.error)
      })
      let records = 0
      for (const store of Array.from(db.objectStoreNames)) {
        records += await new Promise<number>((resolve, reject) => {
          const req = db.transaction(store, 'readonly').objectStore(store).count()
          req.onsuccess = () => resolve(req.result)
          req.onerror = () => reject(req.error)
        })
      }
      db.close()
      databases.push({ name: info.name, records })
    }
    const cacheMap: Record<string, string[]> = {}
    for (const name of await caches.keys()) {
      cacheMap[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname)
    }
    return {
      databases,
      caches: cacheMap,
      localStorage: { ...localStorage },
      sessionStorage: { ...sessionStorage },
      controlled: !!navigator.serviceWorker.controller,
    }
  })
}

/** Puts data into every kind of browser storage, as a session might (beyond what the app wrote). */
export async function addStrayTraces(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const cache = await caches.open('qoltanba-runtime-api')
    await cache.put('/api/v1/profiles', new Response('{"personal":"yes"}', { headers: { 'content-type': 'application/json' } }))
    localStorage.setItem('qoltanba.draft', '{"iin":"900101300017"}')
    sessionStorage.setItem('qoltanba.step', 'storage')
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open('stray-user-db', 1)
      req.onupgradeneeded = () => req.result.createObjectStore('notes', { autoIncrement: true })
      req.onsuccess = () => {
        const tx = req.result.transaction('notes', 'readwrite')
        tx.objectStore('notes').add({ text: 'personal' })
        tx.oncomplete = () => {
          req.result.close()
          resolve()
        }
        tx.onerror = () => reject(tx.error)
      }
      req.onerror = () => reject(req.error)
    })
  })
}

/**
 * Asserts nothing personal is left: no database holds a record, only the Workbox precache is
 * cached, storage holds nothing but the kiosk device setting, and the service worker still
 * controls the page.
 */
export async function expectClean(page: Page): Promise<void> {
  const traces = await readTraces(page)
  expect(traces.databases.filter((d) => d.records > 0), 'IndexedDB databases with records').toEqual([])
  expect(traces.databases.map((d) => d.name)).not.toContain('stray-user-db')
  const cacheNames = Object.keys(traces.caches)
  expect(cacheNames.length, 'the precache is kept').toBeGreaterThan(0)
  expect(cacheNames.filter((n) => !n.startsWith('workbox-precache')), 'caches other than the precache').toEqual([])
  expect(traces.caches[cacheNames[0]!]).toContain('/index.html')
  expect(Object.keys(traces.localStorage), 'localStorage keys').toEqual(['qoltanba.kiosk'])
  expect(JSON.parse(traces.localStorage['qoltanba.kiosk']!)).toMatchObject({ source: 'server' })
  expect(traces.sessionStorage, 'sessionStorage').toEqual({})
  expect(traces.controlled, 'service worker still controls the page').toBe(true)
}

/** Waits until a service worker controls the page (prompt mode: the first visit needs a reload). */
export async function controlled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  if (!(await page.evaluate(() => !!navigator.serviceWorker.controller))) await page.reload()
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true)
}
