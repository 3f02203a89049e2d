import { afterEach, describe, expect, it } from 'vitest'
import { openDB } from 'idb'
import { openssl } from '../pki/openssl.ts'
import { Keystore } from '../../src/keystore/index.ts'
import { newKeystore, rejectsWithCode } from './helpers.ts'

const keystores: Keystore[] = []
function track(k: Keystore): Keystore {
  keystores.push(k)
  return k
}
afterEach(async () => {
  await Promise.all(keystores.splice(0).map((k) => k.destroy()))
})

describe('containers', () => {
  it('creates an RSA-2048 container by default, unlocked, with a non-extractable key', async () => {
    const keystore = track(newKeystore())
    const { container, key, keyPair } = await keystore.createContainer({ name: '  My key  ', password: 'correct horse' })
    expect(container.name).toBe('My key')
    expect(container.source).toBe('generated')
    expect(key.algorithm).toEqual({ name: 'RSA', bits: 2048 })
    expect(keystore.isUnlocked(container.id)).toBe(true)
    expect(keyPair.privateKey.extractable).toBe(false)
    expect(keystore.privateKey(container.id, key.id).extractable).toBe(false)
    const listed = await keystore.listContainers()
    expect(listed.map((c) => [c.name, c.keys.length, c.unlocked])).toEqual([['My key', 1, true]])
  })

  it('creates an ECDSA P-256 container', async () => {
    const keystore = track(newKeystore())
    const { key } = await keystore.createContainer({ name: 'EC', password: 'correct horse', algorithm: 'P-256' })
    expect(key.algorithm).toEqual({ name: 'EC', curve: 'P-256' })
  })

  it('stores the private key only as encrypted PKCS#8 with 600,000 PBKDF2 iterations that OpenSSL opens', async () => {
    const keystore = track(newKeystore({ iterations: undefined }))
    const { container, key } = await keystore.createContainer({ name: 'Default iterations', password: 'пароль-123', algorithm: 'P-256' })
    const db = await openDB(keystore.dbName)
    const record = await db.get('keys', key.id)
    db.close()
    // Nothing but the encrypted bytes: no CryptoKey, no plain PKCS#8 anywhere in the record.
    expect(Object.keys(record).sort()).toEqual(['algorithm', 'containerId', 'createdAt', 'encryptedPkcs8', 'id', 'spki'])
    const pem = await keystore.exportEncryptedKey(container.id, key.id)
    const ssl = openssl('qoltanba-keystore-')
    try {
      ssl.write('key.pem', pem)
      // asn1parse prints INTEGERs in hex: 600000 = 0x0927C0.
      expect(ssl.run(['asn1parse', '-in', 'key.pem'])).toMatch(/INTEGER\s+:0927C0\s*$/m)
      const pub = ssl.run(['pkey', '-in', 'key.pem', '-passin', 'pass:пароль-123', '-pubout', '-outform', 'DER', '-out', 'pub.der'])
      expect(pub).toBe('')
      expect(new Uint8Array(ssl.read('pub.der'))).toEqual(new Uint8Array(key.spki))
      expect(ssl.tryRun(['pkey', '-in', 'key.pem', '-passin', 'pass:wrong', '-noout']).status).not.toBe(0)
    } finally {
      ssl.cleanup()
    }
  })

  it('locks, then unlocks with the password into non-extractable keys', async () => {
    const keystore = track(newKeystore())
    const { container, key } = await keystore.createContainer({ name: 'A', password: 'secret-pass' })
    keystore.lockContainer(container.id)
    expect(keystore.isUnlocked(container.id)).toBe(false)
    expect(() => keystore.privateKey(container.id, key.id)).toThrow(expect.objectContaining({ code: 'ERR_LOCKED' }))
    await keystore.unlockContainer(container.id, 'secret-pass')
    const privateKey = keystore.privateKey(container.id, key.id)
    expect(privateKey.extractable).toBe(false)
    expect(privateKey.usages).toEqual(['sign'])
  })

  it('unlocks after a reload (a new Keystore on the same database)', async () => {
    const first = newKeystore()
    const { container, key } = await first.createContainer({ name: 'Reload', password: 'secret-pass' })
    first.close()
    const second = track(new Keystore({ dbName: first.dbName, iterations: 2000, idleLockMs: 0 }))
    const [listed] = await second.listContainers()
    expect(listed?.unlocked).toBe(false)
    await second.unlockContainer(container.id, 'secret-pass')
    const data = new TextEncoder().encode('after reload')
    const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', second.privateKey(container.id, key.id), data)
    const publicKey = await crypto.subtle.importKey('spki', key.spki as Uint8Array<ArrayBuffer>, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify'])
    expect(await crypto.subtle.verify('RSASSA-PKCS1-v1_5', publicKey, signature, data)).toBe(true)
  })

  it('locks itself after the idle time and says why', async () => {
    const keystore = track(newKeystore({ idleLockMs: 30 }))
    const locked = new Promise<string | undefined>((resolve) => {
      keystore.onLockChange((_id, unlocked, reason) => {
        if (!unlocked) resolve(reason)
      })
    })
    const { container } = await keystore.createContainer({ name: 'Idle', password: 'secret-pass', algorithm: 'P-256' })
    expect(await locked).toBe('idle')
    expect(keystore.isUnlocked(container.id)).toBe(false)
  })

  it('renames and deletes a container with its keys and certificates', async () => {
    const keystore = track(newKeystore())
    const { container } = await keystore.createContainer({ name: 'Old', password: 'secret-pass', algorithm: 'P-256' })
    await keystore.renameContainer(container.id, 'New name')
    expect((await keystore.getContainer(container.id)).name).toBe('New name')
    await rejectsWithCode(keystore.renameContainer(container.id, '   '), 'ERR_MALFORMED')
    await keystore.deleteContainer(container.id)
    expect(keystore.isUnlocked(container.id)).toBe(false)
    expect(await keystore.listContainers()).toEqual([])
    const db = await openDB(keystore.dbName)
    expect(await db.count('keys')).toBe(0)
    db.close()
    await rejectsWithCode(keystore.getContainer(container.id), 'ERR_NOT_FOUND')
    await rejectsWithCode(keystore.deleteContainer(container.id), 'ERR_NOT_FOUND')
  })

  it('adds a second key under the same password', async () => {
    const keystore = track(newKeystore())
    const { container } = await keystore.createContainer({ name: 'Two', password: 'secret-pass', algorithm: 'P-256' })
    await rejectsWithCode(keystore.addKey(container.id, 'wrong-pass', 'P-256'), 'ERR_WRONG_PASSWORD')
    const { key } = await keystore.addKey(container.id, 'secret-pass', 'P-256')
    keystore.lockContainer(container.id)
    await keystore.unlockContainer(container.id, 'secret-pass')
    expect((await keystore.getContainer(container.id)).keys.map((k) => k.id)).toContain(key.id)
    expect(keystore.privateKey(container.id, key.id).type).toBe('private')
  })
})
