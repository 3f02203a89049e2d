/**
 * Whatever bytes arrive as a CSR, the submission check answers with a 4xx ApiError (or accepts a
 * still-valid request) — never an unexpected exception that would become a 500.
 */
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../server/errors.ts'
import { checkSubmission, type SubmissionBody } from '../../server/applications/submission.ts'
import { opensslCsr } from './helpers/csr.ts'

describe('CSR input robustness', () => {
  it('turns truncated, bit-flipped and random CSRs into 4xx errors', async () => {
    const good = opensslCsr('p256')
    const other = opensslCsr('p256').der.toString('base64')
    const der = good.der
    const variants: Buffer[] = []
    for (let n = 0; n < der.length; n += 7) variants.push(der.subarray(0, n))
    let seed = 42
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff)
    for (let i = 0; i < 150; i++) {
      const v = Buffer.from(der)
      const at = rnd() % v.length
      v[at] = (v[at] as number) ^ (1 << (rnd() % 8))
      variants.push(v)
    }
    for (let i = 0; i < 30; i++) variants.push(Buffer.from(Array.from({ length: 1 + (rnd() % 400) }, () => rnd() & 0xff)))
    variants.push(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]))
    let refused = 0
    for (const v of variants) {
      const body: SubmissionBody = {
        profile: 'individual',
        iin: '900101300017',
        region: 'KZ-75',
        storage: 'file',
        requests: [
          { purpose: 'auth', csr: v.toString('base64') },
          { purpose: 'sign', csr: other },
        ],
      }
      try {
        await checkSubmission(body)
      } catch (e) {
        expect(e).toBeInstanceOf(ApiError)
        const status = (e as ApiError).statusCode
        expect(status >= 400 && status < 500).toBe(true)
        refused++
      }
    }
    expect(refused).toBeGreaterThan(variants.length * 0.9)
  })
})
