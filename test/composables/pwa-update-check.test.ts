/// <reference types="vite-plugin-pwa/vue" />
import { describe, expect, it, vi } from 'vitest'

vi.mock('virtual:pwa-register/vue', () => ({ useRegisterSW: () => ({}) }))
const { checkForUpdate, UPDATE_CHECK_INTERVAL_MS } = await import('@/composables/pwa-registration.ts')

function setup(status: number | 'network-error', installing: object | null = null) {
  const update = vi.fn(async () => undefined)
  const fetchFn = vi.fn(async () => {
    if (status === 'network-error') throw new TypeError('Failed to fetch')
    return new Response('', { status })
  })
  return { registration: { installing, update } as unknown as ServiceWorkerRegistration, update, fetchFn }
}

describe('hourly update check', () => {
  it('runs every hour', () => {
    expect(UPDATE_CHECK_INTERVAL_MS).toBe(3_600_000)
  })

  it('probes sw.js bypassing caches, then asks the registration to update', async () => {
    const { registration, update, fetchFn } = setup(200)
    expect(await checkForUpdate('/sw.js', registration, { online: true, fetch: fetchFn as typeof fetch })).toBe(true)
    expect(fetchFn).toHaveBeenCalledWith('/sw.js', expect.objectContaining({ cache: 'no-store' }))
    expect(update).toHaveBeenCalledOnce()
  })

  it.each([
    ['offline', 200, null, false],
    ['a worker is installing', 200, {}, true],
    ['the server answers 503', 503, null, true],
    ['the network fails', 'network-error', null, true],
  ] as const)('does not update when %s', async (_case, status, installing, online) => {
    const { registration, update, fetchFn } = setup(status, installing)
    expect(await checkForUpdate('/sw.js', registration, { online, fetch: fetchFn as typeof fetch })).toBe(false)
    expect(update).not.toHaveBeenCalled()
  })
})
