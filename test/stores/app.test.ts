import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createApp } from 'vue'
import { useAppStore } from '@/stores/app.ts'
import { usePwaStore } from '@/stores/pwa.ts'
import { createAppPinia, resetAllStores } from '@/stores/index.ts'

beforeEach(() => setActivePinia(createPinia()))

describe('app store: critical steps', () => {
  it('is busy while any critical step is open; release is idempotent', () => {
    const app = useAppStore()
    expect(app.busy).toBe(false)
    const first = app.beginCriticalStep()
    const second = app.beginCriticalStep()
    expect(app.busy).toBe(true)
    first()
    first()
    expect(app.busy).toBe(true)
    second()
    expect(app.busy).toBe(false)
    expect(app.criticalSteps).toBe(0)
  })

  it('re-announces the same message (screen readers only speak changes)', () => {
    const app = useAppStore()
    app.announce('Баптаулар беті ашылды')
    const first = app.announcement
    app.announce('Баптаулар беті ашылды')
    expect(app.announcement).not.toBe(first)
    expect(app.announcement.trim()).toBe('Баптаулар беті ашылды')
  })
})

describe('pwa store: the update banner never interrupts a critical step', () => {
  it('offers the update only outside critical steps, and the reload when one is pending', () => {
    const app = useAppStore()
    const pwa = usePwaStore()
    expect(pwa.bannerMode).toBe(null)
    pwa.needRefresh = true
    expect(pwa.bannerMode).toBe('update')
    const release = app.beginCriticalStep()
    expect(pwa.bannerMode).toBe(null)
    release()
    expect(pwa.bannerMode).toBe('update')
    pwa.updateDismissed = true
    expect(pwa.bannerMode).toBe(null)
    pwa.reloadPending = true
    expect(pwa.bannerMode).toBe('reload')
    const again = app.beginCriticalStep()
    expect(pwa.bannerMode).toBe(null)
    again()
  })

  it('applyUpdate activates the waiting worker once and hides the offer', async () => {
    const pwa = usePwaStore()
    let calls = 0
    pwa.activateWaiting = async () => void calls++
    pwa.needRefresh = true
    await pwa.applyUpdate()
    expect(calls).toBe(1)
    expect(pwa.bannerMode).toBe(null)
  })
})

describe('resetAllStores', () => {
  it('resets every store that was used, keeping device facts in the pwa store', () => {
    const pinia = createAppPinia()
    createApp({}).use(pinia)
    setActivePinia(pinia)
    const app = useAppStore()
    const pwa = usePwaStore()
    app.beginCriticalStep()
    app.announce('x')
    pwa.needRefresh = true
    pwa.updateDismissed = true
    expect(resetAllStores(pinia).sort()).toEqual(['app', 'pwa'])
    expect(app.busy).toBe(false)
    expect(app.announcement).toBe('')
    expect(pwa.updateDismissed).toBe(false)
    expect(pwa.needRefresh).toBe(true)
  })
})
