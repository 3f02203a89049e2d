/**
 * Files "without a password": OpenSSL's `-passout pass:` (the empty BMPString 00 00), OpenSSL's
 * PKCS12_create(NULL, …) (no password bytes at all, what Windows and pyOpenSSL write), `-nomac`,
 * and `-nomac` with unencrypted bags. All open with the empty password, as in `openssl pkcs12
 * -passin pass:`; a file that has a password still says ERR_WRONG_PASSWORD for "".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPkcs12 } from '../../../src/pki/pkcs12/index.ts'
import { Material, PASSWORD, type OpenSslVariant } from './material.ts'

let material: Material

beforeAll(() => {
  material = new Material()
})
afterAll(() => material?.cleanup())

async function expectOpensEmpty(file: Uint8Array): Promise<void> {
  const contents = await readPkcs12(file, '')
  expect(contents.keys).toHaveLength(1)
  expect(Buffer.from(contents.keys[0]!.pkcs8)).toEqual(Buffer.from(material.rsa.pkcs8))
  expect(contents.certificates.map((c) => Buffer.from(c.der))).toContainEqual(Buffer.from(material.rsa.certificate))
}

describe('readPkcs12 with the empty password', () => {
  it.each(['openssl-default', 'openssl-legacy', 'openssl-nomac', 'openssl-nomac-unencrypted'] as OpenSslVariant[])(
    '%s made with -passout pass: opens with ""',
    async (variant) => {
      await expectOpensEmpty(material.openSslP12(variant, material.rsa, ''))
    },
  )

  it.each([
    ['PBES2/AES-256 + HMAC-SHA256', false],
    ['3DES (RFC 7292 PBE) + HMAC-SHA256', true],
  ] as const)('PKCS12_create(NULL) with %s opens with "" and not with a typed password', async (_name, legacy) => {
    const file = material.nullPasswordP12(legacy)
    await expectOpensEmpty(file)
    await expect(readPkcs12(file, 'anything')).rejects.toMatchObject({ code: 'ERR_WRONG_PASSWORD' })
  })

  it('a no-password file whose MAC was altered is ERR_MAC_MISMATCH, not a wrong password', async () => {
    const file = material.nullPasswordP12(true)
    // The file ends with the MAC digest, the salt (04 08 + 8 bytes) and the iterations (02 02 08 00).
    const altered = file.slice()
    const at = altered.length - 4 - 10 - 1
    altered[at] = (altered[at] as number) ^ 0x01
    await expect(readPkcs12(altered, '')).rejects.toMatchObject({ code: 'ERR_MAC_MISMATCH' })
  })

  it.each(['openssl-default', 'openssl-legacy', 'openssl-nomac'] as OpenSslVariant[])(
    '%s with a password is ERR_WRONG_PASSWORD for ""',
    async (variant) => {
      await expect(readPkcs12(material.openSslP12(variant), '')).rejects.toMatchObject({ code: 'ERR_WRONG_PASSWORD' })
      expect((await readPkcs12(material.openSslP12(variant), PASSWORD)).keys).toHaveLength(1)
    },
  )
})
