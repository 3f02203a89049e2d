/** X.509 certificates (invariants: test/fuzz/invariants.ts; long run: npm run fuzz). */
import { afterAll, describe, it } from 'vitest'
import { assertRobust } from './property.ts'
import { makeSeeds } from './seeds.ts'
import { TARGETS } from './targets/index.ts'

const seeds = makeSeeds()
afterAll(() => seeds.dispose())

describe('fuzz: certificate', () => {
  it('certificate: typed errors only, no hang, nothing accepted that differs from its seed', async () => {
    const target = await TARGETS['certificate']!.make(seeds)
    try {
      await assertRobust(target, 500)
    } finally {
      await target.close?.()
    }
  })
})
