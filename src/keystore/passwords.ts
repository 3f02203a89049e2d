/**
 * Everything that needs the container password: unlock, change the password, add a key.
 * Each password check runs under the wrong-password slowdown (throttle.ts).
 */
import type { KeystoreContext } from './context.ts'
import { assertPassword, getContainer, notFound, prepareKey, readKeyRecords } from './containers.ts'
import { generateKeyMaterial, openPkcs8, sealPkcs8, unsealPrivateKey, type KeyAlgorithmChoice } from './key-material.ts'
import { containerKeyFromPassword, readVault, sealKeyForPasskeys, wrapForPassword } from './passkeys.ts'
import type { KeyRecord, PasskeyVaultRecord } from './schema.ts'
import { withPasswordThrottle } from './throttle.ts'
import { toKeyView, type KeyView } from './views.ts'

/**
 * Unlocks a container: decrypts every key with `password` into a non-extractable CryptoKey
 * held in memory until lock or idle timeout.
 * @throws ERR_WRONG_PASSWORD (details.retryAfterMs: wait before the next try),
 *   ERR_RETRY_LATER while cooling down, ERR_NOT_FOUND.
 */
export async function unlockContainer(ctx: KeystoreContext, containerId: string, password: string): Promise<void> {
  const records = await readKeyRecords(ctx, containerId)
  if (records.length === 0) await getContainer(ctx, containerId) // ERR_NOT_FOUND, or an empty container
  const keys = await withPasswordThrottle(ctx.db, containerId, ctx.now, async () => {
    assertPassword(password)
    // PBKDF2 runs off the main thread in browsers, so keys decrypt in parallel.
    const unlocked = await Promise.all(
      records.map(async (r) => [r.id, await unsealPrivateKey(r.encryptedPkcs8, password, r.spki, r.algorithm, ctx.crypto)] as const),
    )
    return new Map(unlocked)
  })
  ctx.sessions.open(containerId, keys)
}

/**
 * Re-encrypts every key of a container under `newPassword` and writes them in ONE transaction:
 * either all keys change or none does. The container stays in its lock state. With passkeys,
 * the container key is re-wrapped under the new password in the same transaction; the passkeys'
 * wraps do not depend on the password and keep working.
 */
export async function changePassword(ctx: KeystoreContext, containerId: string, oldPassword: string, newPassword: string): Promise<void> {
  assertPassword(newPassword)
  const records = await readKeyRecords(ctx, containerId)
  if (records.length === 0) await getContainer(ctx, containerId)
  const vault = await readVault(ctx, containerId)
  const { resealed, rewrapped } = await withPasswordThrottle(ctx.db, containerId, ctx.now, async () => {
    assertPassword(oldPassword)
    const resealed = await Promise.all(records.map((r) => resealKey(ctx, r, oldPassword, newPassword)))
    return { resealed, rewrapped: vault && (await rewrapVault(ctx, vault, oldPassword, newPassword)) }
  })
  await ctx.db.write(['containers', 'keys', 'passkeyVaults'], async (tx) => {
    if (rewrapped) {
      const current = await tx.objectStore('passkeyVaults').get(containerId)
      // The vault changed meanwhile (a passkey set up or removed in another tab): keep theirs, fail ours.
      if (!current || !sameBytes(current.passwordSalt, vault!.passwordSalt)) throw notFound(containerId)
      await tx.objectStore('passkeyVaults').put(rewrapped)
    }
    const containers = tx.objectStore('containers')
    const container = await containers.get(containerId)
    if (!container) throw notFound(containerId)
    for (const record of resealed) {
      const current = await tx.objectStore('keys').get(record.id)
      // A key changed meanwhile (another tab): writing ours would lose it.
      if (!current || current.containerId !== containerId) throw notFound(containerId)
      await tx.objectStore('keys').put(record)
    }
    await containers.put({ ...container, updatedAt: Date.now() })
  })
}

/** The vault with its container key wrapped under `newPassword` instead of `oldPassword`. */
async function rewrapVault(ctx: KeystoreContext, vault: PasskeyVaultRecord, oldPassword: string, newPassword: string): Promise<PasskeyVaultRecord> {
  const containerKey = await containerKeyFromPassword(ctx, vault, oldPassword)
  try {
    return { ...vault, ...(await wrapForPassword(ctx, vault.containerId, containerKey, newPassword)) }
  } finally {
    containerKey.fill(0)
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

async function resealKey(ctx: KeystoreContext, record: KeyRecord, oldPassword: string, newPassword: string): Promise<KeyRecord> {
  // openPkcs8 proves the old password and the pair before anything is re-encrypted.
  const pkcs8 = await openPkcs8(record.encryptedPkcs8, oldPassword, record.spki, record.algorithm, ctx.crypto)
  return { ...record, encryptedPkcs8: await sealPkcs8(pkcs8, newPassword, ctx.iterations, ctx.crypto) }
}

/**
 * Generates one more key pair in an existing container (a new certificate request) under the
 * container's password, which is checked first so all keys keep one password.
 * The container is unlocked afterwards, with the new key in it.
 */
export async function addKey(
  ctx: KeystoreContext,
  containerId: string,
  password: string,
  algorithm: KeyAlgorithmChoice = 'RSA-2048',
): Promise<{ key: KeyView; keyPair: CryptoKeyPair }> {
  const records = await readKeyRecords(ctx, containerId)
  if (records.length === 0) await getContainer(ctx, containerId)
  const vault = await readVault(ctx, containerId)
  const { existing, containerKey } = await withPasswordThrottle(ctx.db, containerId, ctx.now, async () => {
    assertPassword(password)
    const existing = await Promise.all(
      records.map(async (r) => [r.id, await unsealPrivateKey(r.encryptedPkcs8, password, r.spki, r.algorithm, ctx.crypto)] as const),
    )
    return { existing, containerKey: vault && (await containerKeyFromPassword(ctx, vault, password)) }
  })
  const material = await generateKeyMaterial(algorithm, ctx.crypto)
  // prepareKey zeroes the PKCS#8 once sealed; passkeys need their own sealed copy of the new key.
  const plain = containerKey && material.pkcs8.slice()
  const { record, keyPair } = await prepareKey(ctx, containerId, material, password)
  let sealed: PasskeyVaultRecord['keys'][string] | undefined
  try {
    if (containerKey && plain) sealed = await sealKeyForPasskeys(ctx, containerKey, containerId, record.id, plain)
  } finally {
    plain?.fill(0)
    containerKey?.fill(0)
  }
  await ctx.db.write(['containers', 'keys', 'passkeyVaults'], async (tx) => {
    const container = await tx.objectStore('containers').get(containerId)
    if (!container) throw notFound(containerId)
    if (vault && sealed) {
      const current = await tx.objectStore('passkeyVaults').get(containerId)
      if (!current) throw notFound(containerId)
      await tx.objectStore('passkeyVaults').put({ ...current, keys: { ...current.keys, [record.id]: sealed } })
    }
    await tx.objectStore('keys').add(record)
    await tx.objectStore('containers').put({ ...container, updatedAt: Date.now() })
  })
  ctx.sessions.open(containerId, new Map([...existing, [record.id, keyPair.privateKey]]))
  return { key: toKeyView(record), keyPair }
}
