/**
 * Node has no Web Storage or Cache Storage: small in-memory versions with the same methods,
 * enough for the wipe (src/kiosk/wipe.ts) to be tested against real IndexedDB semantics
 * (fake-indexeddb) and real Pinia stores.
 */

/** In-memory Storage. */
export class MemoryStorage implements Storage {
  #items = new Map<string, string>()
  get length(): number {
    return this.#items.size
  }
  clear(): void {
    this.#items.clear()
  }
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null
  }
  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null
  }
  removeItem(key: string): void {
    this.#items.delete(key)
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, String(value))
  }
  keys(): string[] {
    return [...this.#items.keys()]
  }
}

/** In-memory CacheStorage keyed by cache name (entries are URLs only). */
export class MemoryCacheStorage {
  readonly caches = new Map<string, Set<string>>()
  async keys(): Promise<string[]> {
    return [...this.caches.keys()]
  }
  async delete(name: string): Promise<boolean> {
    return this.caches.delete(name)
  }
  async open(name: string): Promise<{ put(url: string): Promise<void> }> {
    let entries = this.caches.get(name)
    if (!entries) this.caches.set(name, (entries = new Set()))
    const set = entries
    return { put: async (url: string) => void set.add(url) }
  }
}

/** Installs the stubs on globalThis; returns them. */
export function installWebStubs(): { local: MemoryStorage; session: MemoryStorage; cacheStorage: MemoryCacheStorage } {
  const local = new MemoryStorage()
  const session = new MemoryStorage()
  const cacheStorage = new MemoryCacheStorage()
  Object.assign(globalThis, { localStorage: local, sessionStorage: session, caches: cacheStorage })
  return { local, session, cacheStorage }
}
