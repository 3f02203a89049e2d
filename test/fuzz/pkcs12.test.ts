/** PKCS#12 files from outside (invariants: test/fuzz/invariants.ts; long run: npm run fuzz). */
import { afterAll, describe, it } from 'vitest'
import { assertRobust } from './property.ts'
import { makeSeeds } from './seeds.ts'
import { TARGETS } from './targets/index.ts'

const seeds = makeSeeds()
afterAll(() => seeds.dispose())

describe('fuzz: pkcs12', () => {
  it('pkcs12: typed errors only, no hang, nothing accepted that differs from its seed', async () => {
    const target = await TARGETS['pkcs12']!.make(seeds)
    try {
      await assertRobust(target, 300)
    } finally {
      await target.close?.()
    }
  })
})
