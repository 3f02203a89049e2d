import { afterEach, describe, expect, it } from 'vitest'
import { Keystore, retryDelayMs } from '../../src/keystore/index.ts'
import { manualClock, newKeystore, rejectsWithCode } from './helpers.ts'

const keystores: Keystore[] = []
afterEach(async () => {
  await Promise.all(keystores.splice(0).map((k) => k.destroy()))
})

describe('wrong-password delay', () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 1000],
    [3, 2000],
    [4, 4000],
    [5, 8000],
    [6, 16_000],
    [7, 30_000],
    [50, 30_000],
  ])('after %i failures waits %i ms', (failures, wait) => {
    expect(retryDelayMs(failures)).toBe(wait)
  })

  it('grows with each wrong password, refuses early tries, and never locks out for good', async () => {
    const clock = manualClock()
    const keystore = newKeystore({ now: clock.now })
    keystores.push(keystore)
    const { container } = await keystore.createContainer({ name: 'Throttle', password: 'right-password', algorithm: 'P-256' })
    keystore.lockContainer(container.id)

    const first = await rejectsWithCode(keystore.unlockContainer(container.id, 'wrong-1'), 'ERR_WRONG_PASSWORD')
    expect(first.details.retryAfterMs).toBe(0)
    const second = await rejectsWithCode(keystore.unlockContainer(container.id, 'wrong-2'), 'ERR_WRONG_PASSWORD')
    expect(second.details.retryAfterMs).toBe(1000)
    // Too early: refused without even trying the password, so the right one fails too.
    const early = await rejectsWithCode(keystore.unlockContainer(container.id, 'right-password'), 'ERR_RETRY_LATER')
    expect(early.details.retryAfterMs).toBe(1000)
    clock.advance(400)
    expect((await rejectsWithCode(keystore.unlockContainer(container.id, 'wrong'), 'ERR_RETRY_LATER')).details.retryAfterMs).toBe(600)
    clock.advance(600)
    expect((await rejectsWithCode(keystore.unlockContainer(container.id, 'wrong-3'), 'ERR_WRONG_PASSWORD')).details.retryAfterMs).toBe(2000)
    clock.advance(2000)
    expect((await rejectsWithCode(keystore.unlockContainer(container.id, 'wrong-4'), 'ERR_WRONG_PASSWORD')).details.retryAfterMs).toBe(4000)
    expect(await keystore.retryAfterMs(container.id)).toBe(4000)

    // A reload (new instance, same database) keeps the delay.
    const reloaded = new Keystore({ dbName: keystore.dbName, iterations: 2000, idleLockMs: 0, now: clock.now })
    keystores.push(reloaded)
    await rejectsWithCode(reloaded.unlockContainer(container.id, 'right-password'), 'ERR_RETRY_LATER')
    clock.advance(4000)
    await reloaded.unlockContainer(container.id, 'right-password')
    expect(reloaded.isUnlocked(container.id)).toBe(true)
    // Success forgets the history.
    expect(await reloaded.retryAfterMs(container.id)).toBe(0)
    reloaded.lockContainer(container.id)
    expect((await rejectsWithCode(reloaded.unlockContainer(container.id, 'wrong-5'), 'ERR_WRONG_PASSWORD')).details.retryAfterMs).toBe(0)
  })

  it('caps the delay at 30 seconds', async () => {
    const clock = manualClock()
    const keystore = newKeystore({ now: clock.now })
    keystores.push(keystore)
    const { container } = await keystore.createContainer({ name: 'Cap', password: 'right-password', algorithm: 'P-256' })
    let wait = 0
    for (let i = 0; i < 9; i++) {
      clock.advance(wait)
      wait = Number((await rejectsWithCode(keystore.unlockContainer(container.id, `wrong-${i}`), 'ERR_WRONG_PASSWORD')).details.retryAfterMs)
    }
    expect(wait).toBe(30_000)
    clock.advance(30_000)
    await keystore.unlockContainer(container.id, 'right-password')
  })
})

describe('change password', () => {
  it('re-encrypts every key: the new password unlocks, the old one no longer does', async () => {
    const keystore = newKeystore()
    keystores.push(keystore)
    const { container } = await keystore.createContainer({ name: 'Change', password: 'old-password', algorithm: 'P-256' })
    await keystore.addKey(container.id, 'old-password', 'P-256')
    await rejectsWithCode(keystore.changePassword(container.id, 'not-the-old-one', 'new-password'), 'ERR_WRONG_PASSWORD')
    await keystore.changePassword(container.id, 'old-password', 'new-password')
    keystore.lockContainer(container.id)
    await rejectsWithCode(keystore.unlockContainer(container.id, 'old-password'), 'ERR_WRONG_PASSWORD')
    await keystore.unlockContainer(container.id, 'new-password')
    const view = await keystore.getContainer(container.id)
    expect(view.keys.every((k) => keystore.privateKey(container.id, k.id))).toBe(true)
  })

  it('leaves the container unchanged when the transaction aborts half-way', async () => {
    const keystore = newKeystore()
    keystores.push(keystore)
    const { container } = await keystore.createContainer({ name: 'Atomic', password: 'old-password', algorithm: 'P-256' })
    await keystore.addKey(container.id, 'old-password', 'P-256')

    // Fail the second key write inside the transaction (the first one has already been put).
    const proto = IDBObjectStore.prototype
    const put = proto.put
    let keyWrites = 0
    proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (this.name === 'keys' && ++keyWrites === 2) throw new DOMException('Simulated quota failure', 'QuotaExceededError')
      return put.apply(this, args)
    }
    try {
      const error = await rejectsWithCode(keystore.changePassword(container.id, 'old-password', 'new-password'), 'ERR_STORAGE_FAILED')
      expect(error.details.reason).toBe('QuotaExceededError')
    } finally {
      proto.put = put
    }
    expect(keyWrites).toBe(2)

    keystore.lockContainer(container.id)
    await rejectsWithCode(keystore.unlockContainer(container.id, 'new-password'), 'ERR_WRONG_PASSWORD')
    await keystore.unlockContainer(container.id, 'old-password')
    const view = await keystore.getContainer(container.id)
    expect(view.keys).toHaveLength(2)
    for (const key of view.keys) expect(keystore.privateKey(container.id, key.id).type).toBe('private')
  })
})

describe('concurrent attempts', () => {
  it('serialises password attempts on a container, so a burst cannot skip the delay', async () => {
    const clock = manualClock()
    const keystore = newKeystore({ now: clock.now })
    keystores.push(keystore)
    const { container } = await keystore.createContainer({ name: 'Burst', password: 'right-password', algorithm: 'P-256' })
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => keystore.unlockContainer(container.id, `wrong-${i}`)))
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as { code: string }).code : 'ok'))
    // Two wrong tries are allowed back to back (delay 0 after the first), then the clock must move.
    expect(codes).toEqual(['ERR_WRONG_PASSWORD', 'ERR_WRONG_PASSWORD', 'ERR_RETRY_LATER', 'ERR_RETRY_LATER', 'ERR_RETRY_LATER'])
  })
})
