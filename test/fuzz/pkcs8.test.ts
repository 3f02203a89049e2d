/** PKCS#8 keys, plain and encrypted (invariants: test/fuzz/invariants.ts; long run: npm run fuzz). */
import { afterAll, describe, it } from 'vitest'
import { assertRobust } from './property.ts'
import { makeSeeds } from './seeds.ts'
import { TARGETS } from './targets/index.ts'

const seeds = makeSeeds()
afterAll(() => seeds.dispose())

describe('fuzz: pkcs8', () => {
  it('pkcs8-plain: typed errors only, no hang, nothing accepted that differs from its seed', async () => {
    const target = await TARGETS['pkcs8-plain']!.make(seeds)
    try {
      await assertRobust(target, 300)
    } finally {
      await target.close?.()
    }
  })
  it('pkcs8-encrypted: typed errors only, no hang, nothing accepted that differs from its seed', async () => {
    const target = await TARGETS['pkcs8-encrypted']!.make(seeds)
    try {
      await assertRobust(target, 300)
    } finally {
      await target.close?.()
    }
  })
})
