/** CRLs and OCSP responses from foreign CAs, and OCSP requests to our responder (invariants: test/fuzz/invariants.ts; long run: npm run fuzz). */
import { afterAll, describe, it } from 'vitest'
import { assertRobust } from './property.ts'
import { makeSeeds } from './seeds.ts'
import { TARGETS } from './targets/index.ts'

const seeds = makeSeeds()
afterAll(() => seeds.dispose())

describe('fuzz: revocation', () => {
  it('crl: typed errors only, no hang, nothing accepted that differs from its seed', async () => {
    const target = await TARGETS['crl']!.make(seeds)
    try {
      await assertRobust(target, 300)
    } finally {
      await target.close?.()
    }
  })
  it('ocsp-response: typed errors only, no hang, nothing accepted that differs from its seed', async () => {
    const target = await TARGETS['ocsp-response']!.make(seeds)
    try {
      await assertRobust(target, 300)
    } finally {
      await target.close?.()
    }
  })
  it('ocsp-request: typed errors only, no hang, nothing accepted that differs from its seed', async () => {
    const target = await TARGETS['ocsp-request']!.make(seeds)
    try {
      await assertRobust(target, 300)
    } finally {
      await target.close?.()
    }
  })
})
