/**
 * PKCS#12 (src/pki/pkcs12): mutants of OpenSSL-made files (AES/PBES2 and the NCA legacy profile),
 * read with the right password. A file whose MAC is still there and that opens must hold exactly
 * the seed's keys and certificates: the MAC covers everything a mutation could change.
 */
import { readPkcs12 } from '../../../src/pki/pkcs12/index.ts'
import { readDer, sameBytes } from '../der-tree.ts'
import type { FuzzTarget } from '../invariants.ts'
import { mutants, type Mutant } from '../mutate.ts'
import { SEED_PASSWORD, type Seeds } from '../seeds.ts'

function fingerprint(c: Awaited<ReturnType<typeof readPkcs12>>): Uint8Array[] {
  return [...c.keys.map((k) => k.pkcs8), ...c.certificates.map((x) => x.der)]
}

export async function pkcs12Target(seeds: Seeds): Promise<FuzzTarget<Mutant>> {
  const expected = await Promise.all(seeds.pkcs12.map(async (p) => fingerprint(await readPkcs12(p, SEED_PASSWORD))))
  return {
    name: 'pkcs12',
    inputs: mutants(seeds.pkcs12),
    async attempt({ seed, bytes }) {
      const got = fingerprint(await readPkcs12(bytes, SEED_PASSWORD))
      // PFX ::= SEQUENCE { version, authSafe, macData OPTIONAL }: without macData nothing is authenticated.
      const hasMac = (readDer(bytes)?.children?.length ?? 0) >= 3
      const want = expected[seed]
      if (seed >= 0 && hasMac && want && (got.length !== want.length || got.some((g, i) => !sameBytes(g, want[i])))) {
        return { kind: 'violation', why: 'a mutated file with a MAC opened with other keys or certificates' }
      }
      return { kind: 'accepted' }
    },
  }
}
