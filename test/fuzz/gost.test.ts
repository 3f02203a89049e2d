/** NCA's GOST keys and signatures (invariants: test/fuzz/invariants.ts; long run: npm run fuzz -- --only gost). */
import { describe, it } from 'vitest'
import { assertRobust } from './property.ts'
import { gostTarget } from './targets/gost.ts'

describe('fuzz: gost', () => {
  it('gost: malformed keys, parameters, points off the curve, r/s out of range → typed errors; nothing forged verifies', async () => {
    await assertRobust(await gostTarget(), 200)
  })
})
