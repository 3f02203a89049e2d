/**
 * C2SP x509-limbo conformance: every in-scope vendored case (RFC 5280, pathlen, pathological,
 * CVE, invalid and name-constraint families; see test/verifier/README.md) through our
 * validatePath. The test holds the agreement at ≥ 98 % and every disagreement to the explained
 * allow-list in limbo/known-disagreements.json: a new disagreement fails, and so does a listed
 * one that no longer disagrees (remove it from the list).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadLimboSuite, OUT_OF_SCOPE, runLimboCase, type LimboCase, type LimboOutcome } from './limbo-cases.ts'

const MIN_AGREEMENT = 0.98
const knownDisagreements = JSON.parse(readFileSync(new URL('./limbo/known-disagreements.json', import.meta.url), 'utf8')) as Record<string, string>

describe('x509-limbo', () => {
  const suite = loadLimboSuite()
  const inScope = suite.testcases.filter((c) => !OUT_OF_SCOPE.some((o) => o.match(c)))

  it('vendors the families it claims, with most of them in scope', () => {
    expect(suite.testcases.length).toBeGreaterThan(120)
    expect(inScope.length).toBeGreaterThan(suite.testcases.length * 0.9)
  })

  it(`agrees with ≥ ${MIN_AGREEMENT * 100} % of the in-scope cases, and disagrees only where listed`, async () => {
    const disagreements: { c: LimboCase; got: LimboOutcome }[] = []
    for (const c of inScope) {
      const got = await runLimboCase(c)
      if (got.result !== c.expected_result) disagreements.push({ c, got })
    }
    const agreed = inScope.length - disagreements.length
    console.info(
      `x509-limbo @ ${suite.upstream_commit.slice(0, 12)}: ${suite.testcases.length} vendored, ${inScope.length} in scope, ` +
        `${agreed} agree (${((agreed / inScope.length) * 100).toFixed(1)} %), ${disagreements.length} disagree`,
    )
    for (const { c, got } of disagreements) console.info(`  ${c.id}: expected ${c.expected_result}, got ${got.result} ${got.code ?? ''}`)

    expect(disagreements.map(({ c }) => c.id).sort()).toEqual(Object.keys(knownDisagreements).sort())
    expect(agreed / inScope.length).toBeGreaterThanOrEqual(MIN_AGREEMENT)
  })

  // The profile refusals carry their own codes (issue 14 defect 8 and the RFC 5280 MUSTs).
  it.each([
    ['rfc5280::duplicate-extensions', 'ERR_DUPLICATE_EXTENSION'],
    ['rfc5280::serial::zero', 'ERR_INVALID_SERIAL'],
    ['rfc5280::serial::too-long', 'ERR_INVALID_SERIAL'],
    ['rfc5280::aki::leaf-missing-aki', 'ERR_CERT_PROFILE'],
    ['rfc5280::ski::intermediate-missing-ski', 'ERR_CERT_PROFILE'],
    ['rfc5280::san::underscore-dns', 'ERR_CERT_PROFILE'],
    ['rfc5280::nc::excluded-dns-match', 'ERR_NAME_CONSTRAINTS'],
    ['rfc5280::nc::nc-forbids-othername', 'ERR_NAME_CONSTRAINTS'],
    ['pathlen::intermediate-violates-pathlen-0', 'ERR_PATH_LEN'],
    ['rfc5280::unknown-critical-extension-root', 'ERR_UNKNOWN_CRITICAL_EXTENSION'],
  ])('%s is refused with %s', async (id, code) => {
    const c = suite.testcases.find((t) => t.id === id)
    expect(c, id).toBeDefined()
    expect(await runLimboCase(c as LimboCase)).toMatchObject({ result: 'FAILURE', code })
  })

  it('explains every listed disagreement', () => {
    for (const [id, reason] of Object.entries(knownDisagreements)) {
      expect(suite.testcases.some((c) => c.id === id), id).toBe(true)
      expect(reason.length, id).toBeGreaterThan(40)
    }
  })
})
