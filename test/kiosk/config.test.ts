import { describe, expect, it } from 'vitest'
import { webcrypto } from 'node:crypto'
import { DEFAULT_TIMINGS, normalizeTimings, readDeviceSetting, resolveKiosk, writeDeviceSetting, type KioskDeviceSetting } from '../../src/kiosk/config.ts'
import { afterPinChange, hashPin, isValidPin, verifyPin, type PinNavigation } from '../../src/kiosk/pin.ts'
import { MemoryStorage } from './web-stubs.ts'

globalThis.crypto ??= webcrypto as Crypto

const server = { kiosk: true, idleSeconds: 60, warnSeconds: 25 }

describe('kiosk mode resolution', () => {
  it('the server setting wins and is stored for offline starts', () => {
    expect(resolveKiosk(server, null, false)).toEqual({ active: true, needsPin: false, setting: { source: 'server', idleSeconds: 60, warnSeconds: 25 } })
    const stored: KioskDeviceSetting = { source: 'server', idleSeconds: 60, warnSeconds: 25 }
    expect(resolveKiosk(null, stored, false)).toMatchObject({ active: true, setting: stored })
    // A host that is no longer a kiosk (the server says so) is not one.
    expect(resolveKiosk({ ...server, kiosk: false }, stored, false).active).toBe(false)
  })

  it('?kiosk asks for an operator PIN first; a PIN-locked kiosk stays on', () => {
    expect(resolveKiosk({ ...server, kiosk: false }, null, true)).toMatchObject({ active: false, needsPin: true, setting: { source: 'url' } })
    const locked: KioskDeviceSetting = { source: 'url', idleSeconds: 120, warnSeconds: 30, pin: { salt: 'a', hash: 'b' } }
    // Without ?kiosk in the address and with the server saying "no": still a kiosk.
    expect(resolveKiosk({ ...server, kiosk: false }, locked, false)).toMatchObject({ active: true, setting: { source: 'url', idleSeconds: 60 } })
    expect(resolveKiosk(null, locked, false)).toMatchObject({ active: true, setting: locked })
    expect(resolveKiosk(null, null, false)).toEqual({ active: false, needsPin: false, setting: null })
  })

  it('the warning is never shorter than 20 s', () => {
    expect(normalizeTimings(5, 3)).toEqual({ idleSeconds: 5, warnSeconds: 20 })
    expect(normalizeTimings('x', undefined)).toEqual(DEFAULT_TIMINGS)
  })

  it('the device setting round-trips and ignores garbage', () => {
    const storage = new MemoryStorage()
    writeDeviceSetting({ source: 'server', idleSeconds: 90, warnSeconds: 25 }, storage)
    expect(readDeviceSetting(storage)).toEqual({ source: 'server', idleSeconds: 90, warnSeconds: 25 })
    storage.setItem('qoltanba.kiosk', '{not json')
    expect(readDeviceSetting(storage)).toBeNull()
    storage.setItem('qoltanba.kiosk', '{"source":"applicant"}')
    expect(readDeviceSetting(storage)).toBeNull()
    writeDeviceSetting(null, storage)
    expect(storage.length).toBe(0)
  })
})

describe('operator PIN', () => {
  it('is 4–12 digits, stored salted, and only the right PIN matches', async () => {
    expect(isValidPin('1234')).toBe(true)
    expect(isValidPin('123')).toBe(false)
    expect(isValidPin('12a4')).toBe(false)
    expect(isValidPin('1234567890123')).toBe(false)
    const a = await hashPin('482916')
    const b = await hashPin('482916')
    expect(a.hash).not.toBe(b.hash)
    expect(JSON.stringify(a)).not.toContain('482916')
    expect(await verifyPin('482916', a)).toBe(true)
    expect(await verifyPin('482917', a)).toBe(false)
  })
})

describe('after the operator PIN changed kiosk mode', () => {
  function recorder(): PinNavigation & { calls: unknown[][] } {
    const calls: unknown[][] = []
    return { calls, replaceQuery: (q) => void calls.push(['replaceQuery', q]), reload: (p) => void calls.push(['reload', p]) }
  }

  it('locking drops ?kiosk from the address and keeps the rest of the query', () => {
    const nav = recorder()
    afterPinChange('lock', { kiosk: null, lang: 'ru' }, nav)
    expect(nav.calls).toEqual([['replaceQuery', { lang: 'ru' }]])
    const none = recorder()
    afterPinChange('lock', { lang: 'ru' }, none)
    expect(none.calls).toEqual([])
  })

  it('leaving loads a fresh start page (the kiosk guards go with the old one)', () => {
    const nav = recorder()
    afterPinChange('leave', { kiosk: null }, nav)
    expect(nav.calls).toEqual([['reload', '/']])
  })
})
