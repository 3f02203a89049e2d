/** every route of the app, and the hand-offs past "not found" (targets/handoffs.ts), through app.inject (invariants: test/fuzz/invariants.ts; long run: npm run fuzz). */
import { afterAll, describe, it } from 'vitest'
import { assertRobust } from './property.ts'
import { makeSeeds } from './seeds.ts'
import { TARGETS } from './targets/index.ts'

const seeds = makeSeeds()
afterAll(() => seeds.dispose())

describe('fuzz: app', () => {
  it('app: typed errors only, no hang, nothing accepted that differs from its seed', async () => {
    const target = await TARGETS['app']!.make(seeds)
    try {
      await assertRobust(target, 400)
    } finally {
      await target.close?.()
    }
  })

  it('handoffs: every refusal a 4xx with a stable code that changes no row, no hang', async () => {
    const target = await TARGETS['handoffs']!.make(seeds)
    try {
      await assertRobust(target, 200)
    } finally {
      await target.close?.()
    }
  }, 300_000)
})
