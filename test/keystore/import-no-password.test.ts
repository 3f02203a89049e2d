/**
 * The keystore side of files without a password (what the import dialog does): it asks
 * pkcs12OpensWithoutPassword first, then imports with "" under a new container password; files
 * that have a password say false and keep needing it. Files made by OpenSSL (`-passout pass:`,
 * `-legacy`, `-nomac`) and by libcrypto's PKCS12_create(NULL).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Keystore } from '../../src/keystore/index.ts'
import { Material, PASSWORD, type OpenSslVariant } from '../pki/pkcs12/material.ts'
import { newKeystore, rejectsWithCode } from './helpers.ts'

let material: Material
const keystores: Keystore[] = []
function fresh(): Keystore {
  const k = newKeystore()
  keystores.push(k)
  return k
}
beforeAll(() => {
  material = new Material()
})
afterAll(() => material?.cleanup())
afterEach(async () => {
  await Promise.all(keystores.splice(0).map((k) => k.destroy()))
})

const NEW_PASSWORD = 'новый-пароль-8'

describe('importing a PKCS#12 file that has no password', () => {
  const files: Array<[string, () => Uint8Array]> = [
    ...(['openssl-default', 'openssl-legacy', 'openssl-nomac'] as OpenSslVariant[]).map(
      (v) => [`${v} -passout pass:`, () => material.openSslP12(v, material.rsa, '')] as [string, () => Uint8Array],
    ),
    ['PKCS12_create(NULL), 3DES', () => material.nullPasswordP12(true)],
  ]

  it.each(files)('%s: recognised, imported under a new container password that then unlocks it', async (_name, make) => {
    const keystore = fresh()
    const file = make()
    expect(await keystore.pkcs12OpensWithoutPassword(file)).toBe(true)
    const container = await keystore.importPkcs12(file, '', { containerPassword: NEW_PASSWORD })
    expect(container.keys).toHaveLength(1)
    expect(container.certificates.some((c) => c.keyId === container.keys[0]!.id)).toBe(true)

    await keystore.lockContainer(container.id)
    await rejectsWithCode(keystore.unlockContainer(container.id, ''), 'ERR_WRONG_PASSWORD')
    await keystore.unlockContainer(container.id, NEW_PASSWORD)
  })

  it('a file with a password is not taken for one without, and still needs its password', async () => {
    const keystore = fresh()
    const file = material.openSslP12('openssl-default')
    expect(await keystore.pkcs12OpensWithoutPassword(file)).toBe(false)
    await rejectsWithCode(keystore.importPkcs12(file, '', { containerPassword: NEW_PASSWORD }), 'ERR_WRONG_PASSWORD')
    expect((await keystore.importPkcs12(file, PASSWORD)).keys).toHaveLength(1)
  })

  it('garbage is not a file without a password', async () => {
    expect(await fresh().pkcs12OpensWithoutPassword(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x03]))).toBe(false)
  })
})
