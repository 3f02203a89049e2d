/** TSA_POLICY_OID, TSA_ACCURACY_MS and RATE_LIMIT_TSA: defaults, accepted values, and refusals at start. */
import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_TSA_POLICY_OID, loadConfig } from '../../server/config.ts'

const base = { DATA_DIR: '/tmp/qoltanba-tsa-config' }

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...base, ...env })
    return []
  } catch (e) {
    if (e instanceof ConfigError) return e.problems
    throw e
  }
}

describe('TSA configuration', () => {
  it('defaults to the example-arc policy, one second of accuracy and 120 requests per window', () => {
    const c = loadConfig(base)
    expect(c.tsa).toEqual({ policyOid: DEFAULT_TSA_POLICY_OID, accuracyMs: 1000 })
    expect(c.rateLimit.tsaMax).toBe(120)
  })

  it('takes a policy OID, an accuracy (0 states none) and a limit', () => {
    const c = loadConfig({ ...base, TSA_POLICY_OID: '1.2.398.3.3.2.6.2', TSA_ACCURACY_MS: '0', RATE_LIMIT_TSA: '5' })
    expect(c.tsa).toEqual({ policyOid: '1.2.398.3.3.2.6.2', accuracyMs: 0 })
    expect(c.rateLimit.tsaMax).toBe(5)
  })

  it.each([
    ['TSA_POLICY_OID', 'tsa-policy', /TSA_POLICY_OID must be a dotted OID/],
    ['TSA_POLICY_OID', '1.02.3', /TSA_POLICY_OID must be a dotted OID/],
    ['TSA_ACCURACY_MS', '-1', /TSA_ACCURACY_MS must be a whole number/],
    ['TSA_ACCURACY_MS', '1.5', /TSA_ACCURACY_MS must be a whole number/],
    ['RATE_LIMIT_TSA', '0', /RATE_LIMIT_TSA must be a positive integer/],
  ])('refuses %s=%s with one line naming it', (name, value, message) => {
    const problems = problemsOf({ [name]: value })
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(message)
  })
})
