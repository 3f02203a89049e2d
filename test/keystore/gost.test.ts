/**
 * NCA's GOST keys in the browser container (issue 23): the sample GOSTKNCA file imports like an
 * RSA one, signs (the signature verifies with its certificate), locks and unlocks with its
 * password, exports to a file that imports again with the same NCA-form key; a GOST-2015 private
 * key, whose stored form no real file proves, is refused with the agent hint and nothing stored.
 */
import { describe, expect, it } from 'vitest'
import { readPkcs12, writePkcs12 } from '../../src/pki/pkcs12/index.ts'
import { checkGostCms, GOST_2004 } from '../../src/pki/gost/index.ts'
import { isQoltanbaError } from '../../src/core/errors.ts'
import { nca, newKeystore } from './helpers.ts'

async function codeOf(p: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown> }> {
  try {
    await p
    return { code: 'ok', details: {} }
  } catch (e) {
    return isQoltanbaError(e) ? { code: e.code, details: e.details } : { code: String(e), details: {} }
  }
}

describe('GOST keys in the browser container', () => {
  it('imports the sample GOSTKNCA file, signs with it, checks the key', async () => {
    const keystore = newKeystore()
    const container = await keystore.importPkcs12(nca.gost(), nca.password)
    expect(container.unlocked).toBe(true)
    expect(container.keys).toHaveLength(1)
    expect(container.keys[0]!.algorithm).toEqual({ name: 'GOST', standard: 'GOST 34.310-2004' })
    const own = container.certificates.find((c) => c.keyId === container.keys[0]!.id)
    expect(own).toBeDefined()
    const data = new TextEncoder().encode('Qoltanba')
    const cms = await keystore.signCms(container.id, container.keys[0]!.id, data, { detached: true })
    expect(checkGostCms(cms, data)).toEqual(own!.der)
    expect(checkGostCms(cms, new TextEncoder().encode('Qoltanbа'))).toBeUndefined()
    expect(await keystore.checkKeys(container.id)).toEqual([{ keyId: container.keys[0]!.id, verified: true, method: 'cms' }])
    keystore.close()
  })

  it('locks, refuses a wrong password, unlocks with the right one and signs again', async () => {
    const keystore = newKeystore()
    const container = await keystore.importPkcs12(nca.gost(), nca.password)
    keystore.lockContainer(container.id)
    expect((await codeOf(keystore.signCms(container.id, container.keys[0]!.id, new Uint8Array([1])))).code).toBe('ERR_LOCKED')
    expect((await codeOf(keystore.unlockContainer(container.id, 'Qwerty13'))).code).toBe('ERR_WRONG_PASSWORD')
    await keystore.unlockContainer(container.id, nca.password)
    const data = new Uint8Array([1, 2, 3])
    expect(checkGostCms(await keystore.signCms(container.id, container.keys[0]!.id, data, { detached: true }), data)).toBeDefined()
    keystore.close()
  })

  it('exports a file that imports again with the same NCA-form key', async () => {
    const keystore = newKeystore()
    const container = await keystore.importPkcs12(nca.gost(), nca.password)
    const exported = await keystore.exportPkcs12(container.id, { password: nca.password })
    const [before, after] = await Promise.all([readPkcs12(nca.gost(), nca.password), readPkcs12(exported, nca.password)])
    expect(after.keys[0]!.algorithm).toBe('GOST')
    expect(Buffer.from(after.keys[0]!.pkcs8).equals(Buffer.from(before.keys[0]!.pkcs8))).toBe(true)
    const again = await newKeystore().importPkcs12(exported, nca.password)
    expect(again.keys[0]!.algorithm).toEqual({ name: 'GOST', standard: GOST_2004.name })
    keystore.close()
  })

  it('refuses a GOST-2015 private key (form not proven) with the agent hint, storing nothing', async () => {
    const contents = await readPkcs12(nca.gost(), nca.password)
    const hex = Buffer.from(contents.keys[0]!.pkcs8).toString('hex')
    // The 2015 key and curve OIDs (…1.1.1 → …1.2.2) around the same bytes.
    const as2015 = Buffer.from(hex.replace('2a830e030a0101010101', '2a830e030a0101020201').replace('2a830e030a01010101', '2a830e030a01010202'), 'hex')
    const file = await writePkcs12({ entries: [{ pkcs8: new Uint8Array(as2015), certificate: contents.certificates[0]!.der }], password: nca.password, iterations: 1000 })
    const keystore = newKeystore()
    const result = await codeOf(keystore.importPkcs12(file, nca.password))
    expect(result.code).toBe('ERR_UNSUPPORTED_ALGORITHM')
    expect(result.details).toMatchObject({ gost: true, hint: 'agent' })
    expect(await keystore.listContainers()).toEqual([])
    keystore.close()
  })
})

describe('a streamed digest with a GOST key', () => {
  it('is refused with ERR_VALIDATION (details.gost), never signed as if it were the data', async () => {
    const keystore = newKeystore()
    const container = await keystore.importPkcs12(nca.gost(), nca.password)
    const result = await codeOf(keystore.signCms(container.id, container.keys[0]!.id, new Uint8Array(), { detached: true, messageDigest: new Uint8Array(32) }))
    expect(result).toMatchObject({ code: 'ERR_VALIDATION', details: { gost: true } })
    keystore.close()
  })
})
