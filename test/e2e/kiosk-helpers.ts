/**
 * Helpers of the kiosk specs: a real server with KIOSK=1 on its own port (4191-4199 are the
 * kiosk specs'), and a look at every place a browser can keep a trace of a person.
 */
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, expect, type Page } from '@playwright/test'

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

/** Whether nobody listens on `port` right now. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

/**
 * Starts server/main.ts with KIOSK=1 (extra env merged in) on a free port of 4191-4199 (the
 * kiosk specs' range); resolves when it is healthy. Other suites may run on this machine, so a
 * port taken between the probe and the listen is skipped, and "healthy" must come from our own
 * child process, not from someone else's server on that port.
 */
export async function startKioskServer(extraEnv: Record<string, string> = {}): Promise<KioskServer> {
  // QOLTANBA_KIOSK_URL: a kiosk server started by hand (KIOSK=1 and the timings below).
  const external = process.env.QOLTANBA_KIOSK_URL
  if (external) return { url: external, stop: async () => undefined }
  const dataDir = mkdtempSync(join(tmpdir(), 'qoltanba-kiosk-'))
  const distDir = await builtDist(dataDir)
  // 4190 (ManageSieve) is a "bad port" that fetch and Chromium refuse to connect to.
  for (let port = 4191; port <= 4199; port++) {
    if (!(await portIsFree(port))) continue
    const server = await tryStart(port, dataDir, distDir, extraEnv)
    if (server) return server
  }
  throw new Error('no kiosk server could start on 4191-4199')
}

/**
 * The kiosk specs' `test`: one server of startKioskServer(extraEnv) per worker, and relative URLs
 * (also in the journey helpers) go to it.
 */
export function kioskTest(extraEnv: Record<string, string> = {}) {
  return base.extend<object, { kioskServer: KioskServer }>({
    kioskServer: [
      async ({}, use) => {
        const server = await startKioskServer(extraEnv)
        await use(server)
        await server.stop()
      },
      { scope: 'worker', timeout: 300_000 },
    ],
    baseURL: async ({ kioskServer }, use) => use(kioskServer.url),
  })
}

async function tryStart(port: number, dataDir: string, distDir: string, extraEnv: Record<string, string>): Promise<KioskServer | null> {
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
    stdio: ['ignore', process.env.KIOSK_DEBUG ? 'inherit' : 'ignore', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // A worker that dies (timeout, Ctrl-C) must not leave the server holding the port.
  const reap = () => child.kill('SIGKILL')
  process.once('exit', reap)
  void exited.then(() => process.off('exit', reap))
  // A first start creates a CA and migrates the embedded database: slow on a busy 2-core machine.
  const deadline = Date.now() + Number(process.env.KIOSK_BOOT_MS ?? 240_000)
  for (;;) {
    // EADDRINUSE (the port was taken meanwhile): the caller tries the next one.
    if (child.exitCode !== null) return null
    const healthy = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then((r) => r.ok, () => false)
    if (healthy) {
      await new Promise((resolve) => setTimeout(resolve, 500))
      if (child.exitCode !== null) return null
      break
    }
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
 * cached, storage holds nothing but the kiosk device setting (and the new page's empty router scroll map), and the service worker still
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
  // The fresh page's router writes an empty scroll map; the previous pages' entries are gone.
  const { 'vue-router:scroll': scroll = '{}', ...session } = traces.sessionStorage
  expect(session, 'sessionStorage').toEqual({})
  expect(JSON.parse(scroll), 'router scroll positions of the previous pages').toEqual({})
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
