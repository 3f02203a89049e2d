import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { prefetchRoute } from '@/composables/route-prefetch.ts'

describe('prefetchRoute', () => {
  it("starts loading the named lazy route's component, and only that one", async () => {
    const done = vi.fn(() => Promise.resolve({ default: { render: () => null } }))
    const other = vi.fn(() => Promise.resolve({ default: { render: () => null } }))
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/done', name: 'request-done', component: done },
        { path: '/other', name: 'other', component: other },
      ],
    })
    prefetchRoute(router, 'request-done')
    expect(done).toHaveBeenCalledOnce()
    expect(other).not.toHaveBeenCalled()
  })

  it('ignores an unknown route and a failed load', async () => {
    const failing = vi.fn(() => Promise.reject(new Error('offline')))
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/x', name: 'x', component: failing }] })
    expect(() => prefetchRoute(router, 'nope')).not.toThrow()
    prefetchRoute(router, 'x')
    await Promise.resolve()
    expect(failing).toHaveBeenCalledOnce()
  })
})
