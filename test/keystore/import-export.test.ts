import { afterEach, describe, expect, it } from 'vitest'
import { openDB } from 'idb'
import { verifyCms } from '../../src/pki/cms.ts'
import { certificateMatchesKey } from '../../src/pki/certificate-info.ts'
import { Keystore } from '../../src/keystore/index.ts'
import { openssl } from '../pki/openssl.ts'
import { nca, newKeystore, rejectsWithCode } from './helpers.ts'

const keystores: Keystore[] = []
function fresh(): Keystore {
  const k = newKeystore()
  keystores.push(k)
  return k
}
afterEach(async () => {
  await Promise.all(keystores.splice(0).map((k) => k.destroy()))
})

/** Counts every record in every store: "nothing stored" means all zero. */
async function storedRecords(keystore: Keystore): Promise<number> {
  // Opening through the keystore creates the schema when the failed import never touched it.
  await keystore.listContainers()
  const db = await openDB(keystore.dbName)
  let total = 0
  for (const store of db.objectStoreNames) total += await db.count(store)
  db.close()
  return total
}

describe('PKCS#12 import', () => {
  it.each([
    ['AUTH_RSA256 (authentication)', nca.auth, 'auth'],
    ['RSA256 (signing)', nca.sign, 'sign'],
  ])('imports NCA %s; its key signs CMS that verifies against its certificate', async (_name, file, purpose) => {
    const keystore = fresh()
    const container = await keystore.importPkcs12(file(), nca.password)
    expect(container.source).toBe('imported')
    expect(container.unlocked).toBe(true)
    expect(container.keys).toHaveLength(1)
    const key = container.keys[0]!
    expect(key.algorithm).toEqual({ name: 'RSA', bits: 2048 })
    const own = container.certificates.filter((c) => c.keyId === key.id)
    expect(own).toHaveLength(1)
    expect(certificateMatchesKey(own[0]!.der, key.spki)).toBe(true)
    expect(own[0]!.summary.iin).toBe('123456789011')
    expect(own[0]!.summary.purposes).toContain(purpose)
    expect(container.name).toBe(own[0]!.summary.commonName)

    // Lock and unlock with the same password (the container keeps the file's password).
    keystore.lockContainer(container.id)
    await keystore.unlockContainer(container.id, nca.password)
    const data = new TextEncoder().encode('Қолтаңба тексеру / проверка подписи')
    for (const detached of [false, true]) {
      const cms = await keystore.signCms(container.id, key.id, data, { detached })
      const result = await verifyCms(cms, detached ? { data } : {})
      expect(result.valid).toBe(true)
      expect(result.signerCertificate).toEqual(own[0]!.der)
      expect(new TextDecoder().decode(result.content)).toBe('Қолтаңба тексеру / проверка подписи')
    }
    expect((await keystore.checkKeys(container.id)).every((r) => r.verified && r.method === 'cms')).toBe(true)
  })

  it('stores an imported key under a new container password when asked', async () => {
    const keystore = fresh()
    const container = await keystore.importPkcs12(nca.sign(), nca.password, { containerPassword: 'my-new-password', name: 'Signing' })
    expect(container.name).toBe('Signing')
    keystore.lockContainer(container.id)
    await rejectsWithCode(keystore.unlockContainer(container.id, nca.password), 'ERR_WRONG_PASSWORD')
  })

  // NCA's GOST file imports since issue 23: test/keystore/gost.test.ts.

  const tamperedMac = () => {
    const bytes = nca.auth()
    // The MAC value sits near the end (macData follows authSafe); flip a byte of it.
    bytes[bytes.length - 40] = (bytes[bytes.length - 40] ?? 0) ^ 0x01
    return bytes
  }
  it.each<[string, () => Uint8Array, string, string[]]>([
    ['a truncated file', () => nca.auth().slice(0, 700), nca.password, ['ERR_MALFORMED']],
    ['garbage', () => crypto.getRandomValues(new Uint8Array(4096)), nca.password, ['ERR_MALFORMED']],
    ['an empty file', () => new Uint8Array(0), nca.password, ['ERR_MALFORMED']],
    ['a 50 MB file', () => new Uint8Array(50 * 1024 * 1024), nca.password, ['ERR_TOO_LARGE']],
    ['the wrong password', nca.auth, 'Qwerty13', ['ERR_WRONG_PASSWORD', 'ERR_MAC_MISMATCH']],
    ['a tampered MAC', tamperedMac, nca.password, ['ERR_MAC_MISMATCH', 'ERR_WRONG_PASSWORD']],
  ])('rejects %s with a typed error and stores nothing', async (_name, input, password, codes) => {
    const keystore = fresh()
    let code: string | undefined
    try {
      await keystore.importPkcs12(input(), password)
    } catch (e) {
      code = (e as { code?: string }).code
    }
    expect(codes).toContain(code)
    expect(await storedRecords(keystore)).toBe(0)
    expect(await keystore.listContainers()).toEqual([])
  })
})

describe('PKCS#12 import atomicity', () => {
  it('stores nothing when the import transaction aborts on its last write', async () => {
    const keystore = fresh()
    const proto = IDBObjectStore.prototype
    const add = proto.add
    proto.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
      if (this.name === 'certificates') throw new DOMException('Simulated quota failure', 'QuotaExceededError')
      return add.apply(this, args)
    }
    try {
      await rejectsWithCode(keystore.importPkcs12(nca.auth(), nca.password), 'ERR_STORAGE_FAILED')
    } finally {
      proto.add = add
    }
    expect(await storedRecords(keystore)).toBe(0)
  })
})

describe('PKCS#12 export', () => {
  it.each(['modern', 'legacy'] as const)('exports a %s file that OpenSSL opens and the keystore re-imports', async (compatibility) => {
    const keystore = fresh()
    const container = await keystore.importPkcs12(nca.auth(), nca.password)
    keystore.lockContainer(container.id)
    const p12 = await keystore.exportPkcs12(container.id, { password: nca.password, filePassword: 'export-pass', compatibility })
    const ssl = openssl('qoltanba-keystore-export-')
    try {
      ssl.write('out.p12', p12)
      const info = ssl.run(['pkcs12', '-info', '-noout', '-in', 'out.p12', '-passin', 'pass:export-pass'])
      expect(info).toMatch(compatibility === 'modern' ? /PBES2.*AES-256-CBC/s : /pbeWithSHA1And3-KeyTripleDES-CBC/)
      expect(ssl.tryRun(['pkcs12', '-info', '-noout', '-in', 'out.p12', '-passin', 'pass:wrong']).status).not.toBe(0)
    } finally {
      ssl.cleanup()
    }
    const again = await keystore.importPkcs12(p12, 'export-pass')
    expect(again.certificates.map((c) => c.summary.fingerprintSha256)).toEqual(container.certificates.map((c) => c.summary.fingerprintSha256))
  })

  it('exports one key, throttles wrong passwords, and refuses keys without a certificate', async () => {
    const keystore = fresh()
    const imported = await keystore.importPkcs12(nca.sign(), nca.password)
    const p12 = await keystore.exportPkcs12(imported.id, { password: nca.password, keyId: imported.keys[0]!.id })
    expect(p12.byteLength).toBeGreaterThan(1000)
    await rejectsWithCode(keystore.exportPkcs12(imported.id, { password: 'wrong' }), 'ERR_WRONG_PASSWORD')
    await rejectsWithCode(keystore.exportPkcs12(imported.id, { password: nca.password, keyId: 'nope' }), 'ERR_NOT_FOUND')

    const { container } = await keystore.createContainer({ name: 'No certificate yet', password: 'secret-pass', algorithm: 'P-256' })
    const error = await rejectsWithCode(keystore.exportPkcs12(container.id, { password: 'secret-pass' }), 'ERR_NOT_FOUND')
    expect(error.details.reason).toBe('no_certificate')
  })
})
