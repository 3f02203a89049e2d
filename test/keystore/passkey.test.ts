/**
 * Passkey unlock over the real keystore (fake-indexeddb, Node WebCrypto, OpenSSL as the checker)
 * with a software PRF authenticator: setup, unlock and sign, several passkeys, removal, a foreign
 * credential, the wrong-password slowdown, password change and .p12 export untouched.
 */
import { createPrivateKey } from 'node:crypto'
import { openDB } from 'idb'
import { afterEach, describe, expect, it } from 'vitest'
import { Keystore } from '../../src/keystore/index.ts'
import { openssl } from '../pki/openssl.ts'
import { manualClock, nca, newKeystore, rejectsWithCode } from './helpers.ts'
import { SoftAuthenticator } from './passkey-authenticator.ts'

const keystores: Keystore[] = []
afterEach(async () => {
  await Promise.all(keystores.splice(0).map((k) => k.destroy()))
})

function fresh(options: Parameters<typeof newKeystore>[0] = {}): Keystore {
  const keystore = newKeystore(options)
  keystores.push(keystore)
  return keystore
}

const PASSWORD = 'correct horse battery'

describe('passkey unlock', () => {
  it('sets up a passkey with the password, then unlocks by passkey alone and signs', async () => {
    const keystore = fresh()
    const container = await keystore.importPkcs12(nca.auth(), nca.password, { containerPassword: PASSWORD })
    const authenticator = new SoftAuthenticator()
    await rejectsWithCode(keystore.addPasskey(container.id, 'wrong', authenticator, 'Phone'), 'ERR_WRONG_PASSWORD')
    expect(authenticator.credentials).toHaveLength(0)
    expect(await keystore.listPasskeys(container.id)).toEqual([])

    const passkey = await keystore.addPasskey(container.id, PASSWORD, authenticator, '  Phone  ')
    expect(passkey).toMatchObject({ containerId: container.id, label: 'Phone' })
    keystore.lockContainer(container.id)
    await keystore.unlockWithPasskey(container.id, authenticator)
    expect(keystore.isUnlocked(container.id)).toBe(true)
    const [check] = await keystore.checkKeys(container.id)
    expect(check?.verified).toBe(true)

    // The signature verifies with OpenSSL against the certificate.
    const keyId = container.keys[0]!.id
    const data = new TextEncoder().encode('signed after a passkey unlock')
    const cms = await keystore.signCms(container.id, keyId, data, { detached: true })
    const ssl = openssl('qoltanba-passkey-sign-')
    try {
      ssl.write('sig.der', cms)
      ssl.write('data.txt', data)
      const out = ssl.run(['cms', '-verify', '-inform', 'DER', '-in', 'sig.der', '-content', 'data.txt', '-binary', '-noverify', '-out', 'out.txt'])
      expect(out).toMatch(/Verification successful/)
    } finally {
      ssl.cleanup()
    }
  })

  it('keeps several passkeys, removes one, and drops the vault with the last', async () => {
    const keystore = fresh()
    const { container } = await keystore.createContainer({ name: 'Two passkeys', password: PASSWORD, algorithm: 'P-256' })
    const phone = new SoftAuthenticator()
    const laptop = new SoftAuthenticator()
    const first = await keystore.addPasskey(container.id, PASSWORD, phone, 'Phone')
    const second = await keystore.addPasskey(container.id, PASSWORD, laptop, 'Laptop')
    expect((await keystore.listPasskeys(container.id)).map((p) => p.label)).toEqual(['Phone', 'Laptop'])

    for (const authenticator of [phone, laptop]) {
      keystore.lockContainer(container.id)
      await keystore.unlockWithPasskey(container.id, authenticator)
      expect(keystore.isUnlocked(container.id)).toBe(true)
    }

    await keystore.removePasskey(container.id, first.id)
    await rejectsWithCode(keystore.removePasskey(container.id, first.id), 'ERR_NOT_FOUND')
    expect((await keystore.listPasskeys(container.id)).map((p) => p.id)).toEqual([second.id])
    keystore.lockContainer(container.id)
    // The phone's credential is no longer offered; used anyway, it is refused.
    phone.pick = () => phone.credentials[0]
    const refused = await rejectsWithCode(keystore.unlockWithPasskey(container.id, phone), 'ERR_WRONG_PASSWORD')
    expect(refused.details).toMatchObject({ factor: 'passkey' })
    await keystore.unlockWithPasskey(container.id, laptop)

    await keystore.removePasskey(container.id, second.id)
    keystore.lockContainer(container.id)
    const none = await rejectsWithCode(keystore.unlockWithPasskey(container.id, laptop), 'ERR_NOT_FOUND')
    expect(none.details).toMatchObject({ reason: 'no_passkey' })
    await keystore.unlockContainer(container.id, PASSWORD)
  })

  it('refuses a foreign credential with a clear code, changes nothing, and the slowdown applies', async () => {
    const clock = manualClock()
    const keystore = fresh({ now: clock.now })
    const a = await keystore.createContainer({ name: 'A', password: PASSWORD, algorithm: 'P-256' })
    const b = await keystore.createContainer({ name: 'B', password: PASSWORD, algorithm: 'P-256' })
    const authenticator = new SoftAuthenticator()
    await keystore.addPasskey(a.container.id, PASSWORD, authenticator, 'A')
    await keystore.addPasskey(b.container.id, PASSWORD, authenticator, 'B')
    keystore.lockAll()
    const before = await keystore.listPasskeys(a.container.id)

    // B's passkey answers for A (the authenticator picks it).
    authenticator.pick = () => authenticator.credentials[1]
    const error = await rejectsWithCode(keystore.unlockWithPasskey(a.container.id, authenticator), 'ERR_WRONG_PASSWORD')
    expect(error.details).toMatchObject({ factor: 'passkey', retryAfterMs: 0 })
    expect(keystore.isUnlocked(a.container.id)).toBe(false)
    const second = await rejectsWithCode(keystore.unlockWithPasskey(a.container.id, authenticator), 'ERR_WRONG_PASSWORD')
    expect(second.details.retryAfterMs).toBe(1000)
    // Cooling down: refused before the authenticator is even asked.
    const asked = authenticator.assertions
    await rejectsWithCode(keystore.unlockWithPasskey(a.container.id, authenticator), 'ERR_RETRY_LATER')
    expect(authenticator.assertions).toBe(asked)
    expect(await keystore.listPasskeys(a.container.id)).toEqual(before)

    clock.advance(1000)
    authenticator.pick = undefined
    await keystore.unlockWithPasskey(a.container.id, authenticator)
    expect(keystore.isUnlocked(a.container.id)).toBe(true)
  })

  it('stores nothing when the authenticator has no PRF', async () => {
    const keystore = fresh()
    const { container } = await keystore.createContainer({ name: 'No PRF', password: PASSWORD, algorithm: 'P-256' })
    const error = await rejectsWithCode(keystore.addPasskey(container.id, PASSWORD, new SoftAuthenticator(false), 'Key'), 'ERR_NOT_SUPPORTED')
    expect(error.details).toMatchObject({ reason: 'prf' })
    expect(await keystore.listPasskeys(container.id)).toEqual([])
    await rejectsWithCode(keystore.unlockWithPasskey(container.id, new SoftAuthenticator()), 'ERR_NOT_FOUND')
  })

  it('keeps passkeys working across a password change and a new key; export still needs the password', async () => {
    const keystore = fresh()
    const container = await keystore.importPkcs12(nca.auth(), nca.password, { containerPassword: PASSWORD })
    const authenticator = new SoftAuthenticator()
    await keystore.addPasskey(container.id, PASSWORD, authenticator, 'Phone')

    await keystore.changePassword(container.id, PASSWORD, 'a new long password')
    const { key } = await keystore.addKey(container.id, 'a new long password', 'P-256')
    keystore.lockContainer(container.id)
    await keystore.unlockWithPasskey(container.id, authenticator)
    expect(keystore.privateKey(container.id, key.id)).toBeDefined()
    expect((await keystore.checkKeys(container.id)).every((r) => r.verified)).toBe(true)

    // The old password opens nothing, not even a new passkey; the new one does.
    await rejectsWithCode(keystore.addPasskey(container.id, PASSWORD, new SoftAuthenticator(), 'Old'), 'ERR_WRONG_PASSWORD')
    keystore.lockContainer(container.id)
    await keystore.unlockContainer(container.id, 'a new long password')
    await keystore.addPasskey(container.id, 'a new long password', new SoftAuthenticator(), 'Second')

    const p12 = await keystore.exportPkcs12(container.id, { password: 'a new long password', filePassword: 'export-pass', keyId: container.keys[0]!.id })
    const ssl = openssl('qoltanba-passkey-export-')
    try {
      ssl.write('out.p12', p12)
      expect(ssl.run(['pkcs12', '-info', '-noout', '-in', 'out.p12', '-passin', 'pass:export-pass'])).toMatch(/PBES2/)
    } finally {
      ssl.cleanup()
    }
  })

  it('stores no private key or PRF output in the clear; passkey records hold only salts, ids and ciphertexts', async () => {
    // A P-256 key made by OpenSSL, so the test knows its private scalar.
    const ssl = openssl('qoltanba-passkey-store-')
    let p12: Uint8Array
    let scalar: Uint8Array
    try {
      ssl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-subj', '/CN=Store', '-days', '2'])
      ssl.run(['pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-out', 'k.p12', '-passout', 'pass:store-pass'])
      p12 = ssl.read('k.p12')
      const jwk = createPrivateKey(Buffer.from(ssl.read('k.pem'))).export({ format: 'jwk' })
      scalar = new Uint8Array(Buffer.from(jwk.d!, 'base64url'))
    } finally {
      ssl.cleanup()
    }
    const keystore = fresh()
    const container = await keystore.importPkcs12(p12, 'store-pass', { containerPassword: PASSWORD })
    const authenticator = new SoftAuthenticator()
    await keystore.addPasskey(container.id, PASSWORD, authenticator, 'Phone')

    const db = await openDB(keystore.dbName)
    const records = await Promise.all(['containers', 'keys', 'certificates', 'attempts', 'passkeyVaults', 'passkeys'].map((store) => db.getAll(store)))
    db.close()
    const blobs: Uint8Array[] = []
    const walk = (value: unknown): void => {
      if (value instanceof Uint8Array) blobs.push(value)
      else if (value && typeof value === 'object') Object.values(value).forEach(walk)
    }
    walk(records)
    const contains = (hay: Uint8Array, needle: Uint8Array) => Buffer.from(hay).includes(Buffer.from(needle))
    const vaultSalt = (records[4] as Array<{ prfSalt: Uint8Array }>)[0]!.prfSalt
    const prf = (await authenticator.assert({ credentialIds: [authenticator.credentials[0]!.id], prfSalt: vaultSalt })).prf!
    expect(blobs.length).toBeGreaterThan(8)
    expect(blobs.some((b) => contains(b, scalar))).toBe(false)
    expect(blobs.some((b) => contains(b, prf))).toBe(false)
    const [vault] = records[4] as Record<string, unknown>[]
    const [passkey] = records[5] as Record<string, unknown>[]
    expect(Object.keys(vault!).sort()).toEqual(['containerId', 'hkdfSalt', 'keys', 'passwordIterations', 'passwordSalt', 'passwordWrap', 'prfSalt'])
    expect(Object.keys(passkey!).sort()).toEqual(['containerId', 'createdAt', 'credentialId', 'id', 'label', 'wrap'])
  })

  it('deletes passkeys with their container', async () => {
    const keystore = fresh()
    const { container } = await keystore.createContainer({ name: 'Gone', password: PASSWORD, algorithm: 'P-256' })
    const authenticator = new SoftAuthenticator()
    await keystore.addPasskey(container.id, PASSWORD, authenticator, 'Phone')
    await keystore.deleteContainer(container.id)
    expect(await keystore.listPasskeys(container.id)).toEqual([])
    await rejectsWithCode(keystore.unlockWithPasskey(container.id, authenticator), 'ERR_NOT_FOUND')
  })
})
