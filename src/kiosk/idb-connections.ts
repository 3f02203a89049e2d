/**
 * Makes every IndexedDB connection of this page close itself when someone wants to delete or
 * upgrade its database. Without it, a connection a module keeps open (and forgot to close)
 * would block the wipe's deleteDatabase until the page unloads.
 */
let installed = false

/** Patches `indexedDB.open` once (kiosk mode only: a kiosk runs a single tab). */
export function closeConnectionsOnVersionChange(factory: IDBFactory | undefined = globalThis.indexedDB): void {
  if (installed || !factory) return
  installed = true
  const proto = Object.getPrototypeOf(factory) as IDBFactory
  const open = proto.open
  proto.open = function patchedOpen(this: IDBFactory, name: string, version?: number): IDBOpenDBRequest {
    const request = version === undefined ? open.call(this, name) : open.call(this, name, version)
    request.addEventListener('success', () => {
      const db = request.result
      db.addEventListener('versionchange', () => db.close())
    })
    return request
  }
}
