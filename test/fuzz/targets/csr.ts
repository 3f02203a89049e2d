/**
 * PKCS#10 (src/pki/csr.ts): mutants of OpenSSL-made requests are parsed and their signature
 * checked. A request whose signature still verifies must say what the seed says.
 */
import { parseCsr, verifyCsr } from '../../../src/pki/csr.ts'
import type { FuzzTarget } from '../invariants.ts'
import { mutants, type Mutant } from '../mutate.ts'
import type { Seeds } from '../seeds.ts'

const facts = (der: Uint8Array) => JSON.stringify(parseCsr(der), (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))

export function csrTarget(seeds: Seeds): FuzzTarget<Mutant> {
  const expected = seeds.csrs.map(facts)
  return {
    name: 'csr',
    inputs: mutants(seeds.csrs),
    async attempt({ seed, bytes }) {
      const got = facts(bytes)
      if (!(await verifyCsr(bytes))) return { kind: 'refused' }
      if (seed >= 0 && got !== expected[seed]) return { kind: 'violation', why: `a mutated CSR verifies but reads differently: ${got}` }
      return { kind: 'accepted' }
    },
  }
}
