/**
 * PKCS#8 (src/pki/pkcs8.ts, private-key.ts): encrypted keys (PBES2, one PBKDF2 iteration) are
 * decrypted with the right password; plain keys are described, imported and their public half
 * derived. PKCS#8 has no integrity of its own, so only the error and time invariants apply.
 */
import { decryptPrivateKey } from '../../../src/pki/pkcs8.ts'
import { describePrivateKey, importPrivateKey, publicKeyOf } from '../../../src/pki/private-key.ts'
import type { FuzzTarget } from '../invariants.ts'
import { mutants, type Mutant } from '../mutate.ts'
import { SEED_PASSWORD, type Seeds } from '../seeds.ts'

async function usePlainKey(pkcs8: Uint8Array): Promise<void> {
  describePrivateKey(pkcs8)
  await importPrivateKey(pkcs8, 'sign')
  await publicKeyOf(pkcs8)
}

export function pkcs8PlainTarget(seeds: Seeds): FuzzTarget<Mutant> {
  return {
    name: 'pkcs8-plain',
    inputs: mutants(seeds.pkcs8Plain),
    async attempt({ bytes }) {
      await usePlainKey(bytes)
      return { kind: 'accepted' }
    },
  }
}

export function pkcs8EncryptedTarget(seeds: Seeds): FuzzTarget<Mutant> {
  return {
    name: 'pkcs8-encrypted',
    inputs: mutants(seeds.pkcs8Encrypted),
    async attempt({ bytes }) {
      await usePlainKey(await decryptPrivateKey(bytes, SEED_PASSWORD))
      return { kind: 'accepted' }
    },
  }
}
