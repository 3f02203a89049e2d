import { describe, expect, it } from 'vitest'
import { reloadOnStaleChunk } from '@/composables/stale-chunk.ts'
import { isIos } from '@/composables/install-platform.ts'

function fakeWindow(online = true) {
  const target = new EventTarget()
  const store = new Map<string, string>()
  let reloads = 0
  const win = Object.assign(target, {
    sessionStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    location: { reload: () => void reloads++ },
    navigator: { onLine: online },
  })
  return { win: win as unknown as Window, reloads: () => reloads, store }
}

describe('reloadOnStaleChunk', () => {
  it('reloads once on vite:preloadError, not again within the guard interval', () => {
    const { win, reloads, store } = fakeWindow()
    reloadOnStaleChunk(win)
    const first = new Event('vite:preloadError', { cancelable: true })
    win.dispatchEvent(first)
    expect(reloads()).toBe(1)
    expect(first.defaultPrevented).toBe(true)
    const second = new Event('vite:preloadError', { cancelable: true })
    win.dispatchEvent(second)
    expect(reloads()).toBe(1)
    // The error surfaces normally the second time, so the app can show it.
    expect(second.defaultPrevented).toBe(false)
    store.set('qoltanba.stale-chunk-reload', String(Date.now() - 60_000))
    win.dispatchEvent(new Event('vite:preloadError', { cancelable: true }))
    expect(reloads()).toBe(2)
  })
})

describe('reloadOnStaleChunk offline', () => {
  it('does not reload while offline (the browser would show its offline page)', () => {
    const { win, reloads } = fakeWindow(false)
    reloadOnStaleChunk(win)
    const event = new Event('vite:preloadError', { cancelable: true })
    win.dispatchEvent(event)
    expect(reloads()).toBe(0)
    expect(event.defaultPrevented).toBe(false)
  })
})

describe('isIos', () => {
  it.each([
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148 Safari/604.1', 5, true],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15', 5, true],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15', 0, false],
    ['Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36', 5, false],
  ])('%s (touch points %i) → %s', (userAgent, maxTouchPoints, expected) => {
    expect(isIos({ userAgent, maxTouchPoints })).toBe(expected)
  })
})
