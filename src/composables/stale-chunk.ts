/**
 * After a deploy, a page that is not yet controlled by the service worker can ask for a chunk
 * that no longer exists. Vite reports that as `vite:preloadError`; reloading once fetches the
 * new index.html and its chunks. The timestamp guard stops a reload loop if the chunk is really
 * broken.
 */

const RELOADED_AT_KEY = 'qoltanba.stale-chunk-reload'
const MIN_INTERVAL_MS = 10_000

/** Installs the reload-once handler on `target` (the window). */
export function reloadOnStaleChunk(target: Window = window): void {
  target.addEventListener('vite:preloadError', (event) => {
    // Offline, the chunk is missing because the network is: a reload would show the browser's
    // offline page instead of the app.
    if (target.navigator?.onLine === false) return
    const now = Date.now()
    let last = 0
    try {
      last = Number(target.sessionStorage.getItem(RELOADED_AT_KEY) ?? 0)
      if (now - last < MIN_INTERVAL_MS) return
      target.sessionStorage.setItem(RELOADED_AT_KEY, String(now))
    } catch {
      return
    }
    event.preventDefault()
    target.location.reload()
  })
}
