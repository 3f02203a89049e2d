/**
 * verifyCms on hostile SignedData layouts (found by the CMS fuzzer, test/fuzz/cms.test.ts): a
 * signed attribute with an empty value SET made verifyCms throw a TypeError ("reading '0'") from
 * the attribute readers; the contract is ERR_MALFORMED.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { verifyCms } from '../../src/pki/cms.ts'
import { allNodes, readDer, writeDer } from '../fuzz/der-tree.ts'
import { openssl } from './openssl.ts'

const ossl = openssl()
afterAll(() => ossl.cleanup())

const OIDS = {
  signingTime: '06092a864886f70d010905',
  messageDigest: '06092a864886f70d010904',
}

function signedCms(): Uint8Array {
  ossl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-subj', '/CN=cms', '-days', '2'])
  ossl.write('doc.txt', 'the signed document')
  ossl.run(['cms', '-sign', '-binary', '-nodetach', '-in', 'doc.txt', '-signer', 'c.pem', '-inkey', 'k.pem', '-outform', 'DER', '-out', 'doc.p7s'])
  return ossl.read('doc.p7s')
}

/** The CMS with the value SET of the attribute `oidTlv` (hex of its OID element) emptied. */
function withEmptyAttribute(der: Uint8Array, oidTlv: string): Uint8Array {
  const root = readDer(der)!
  const attr = allNodes(root).find((n) => n.tag[0] === 0x30 && n.children?.[0] && Buffer.from(writeDer(n.children[0])).toString('hex') === oidTlv)
  attr!.children![1]!.children = []
  return writeDer(root)
}

describe('verifyCms on a signed attribute without a value', () => {
  const cms = signedCms()
  it.each(Object.entries(OIDS))('%s with an empty value SET → ERR_MALFORMED', async (_name, oid) => {
    await expect(verifyCms(withEmptyAttribute(cms, oid))).rejects.toMatchObject({ code: 'ERR_MALFORMED' })
  })

  it('the unmodified CMS verifies', async () => {
    expect((await verifyCms(cms)).valid).toBe(true)
  })
})
