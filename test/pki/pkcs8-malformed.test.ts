/**
 * Encrypted PKCS#8 whose AlgorithmIdentifiers are not AlgorithmIdentifiers (found by the fuzzer,
 * test/fuzz/pkcs8.test.ts): pkijs threw a plain Error ("Object's schema was not verified") out of
 * decryptPrivateKey; the contract is ERR_MALFORMED.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { decryptPrivateKey } from '../../src/pki/pkcs8.ts'
import { allNodes, readDer, writeDer } from '../fuzz/der-tree.ts'
import { openssl } from './openssl.ts'

const ossl = openssl()
afterAll(() => ossl.cleanup())

function encryptedKey(): Uint8Array {
  ossl.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'k.pem'])
  ossl.run(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA256', '-iter', '1', '-in', 'k.pem', '-passout', 'pass:pw', '-outform', 'DER', '-out', 'k.der'])
  return ossl.read('k.der')
}

/** The DER with the n-th OBJECT IDENTIFIER (depth first) turned into an OCTET STRING. */
function withOidAsOctetString(der: Uint8Array, n: number): Uint8Array {
  const root = readDer(der)!
  const oids = allNodes(root).filter((x) => x.tag[0] === 0x06 && !x.children)
  oids[n]!.tag = Uint8Array.of(0x04)
  return writeDer(root)
}

describe('decryptPrivateKey on broken AlgorithmIdentifiers', () => {
  const der = encryptedKey()
  // OIDs in order: PBES2, PBKDF2, hmacWithSHA256 (the PRF), aes-256-cbc.
  it.each([
    ['the PBES2 algorithm', 0],
    ['the PRF', 2],
  ])('%s not an OID → ERR_MALFORMED', async (_what, n) => {
    await expect(decryptPrivateKey(withOidAsOctetString(der, n), 'pw')).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })

  it('the unmodified key still decrypts', async () => {
    expect((await decryptPrivateKey(der, 'pw')).length).toBeGreaterThan(100)
  })
})
