/**
 * Passkey unlock of a container (README.md, "Passkey unlock"): set up a passkey with the
 * password, unlock with the passkey alone, list and remove passkeys. WebAuthn itself is behind
 * {@link PasskeyAuthenticator} (webauthn.ts in browsers), so this file stays IndexedDB + WebCrypto.
 * The PRF output lives only in local variables and is zeroed after the key derivation.
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { importPrivateKey } from '../pki/private-key.ts'
import type { KeystoreContext } from './context.ts'
import { assertPassword, getContainer, notFound, readKeyRecords } from './containers.ts'
import { openPkcs8 } from './key-material.ts'
import {
  importContainerKey,
  keyAssociatedData,
  newContainerKey,
  open,
  passkeyAssociatedData,
  passkeyKek,
  passwordAssociatedData,
  passwordKek,
  seal,
} from './passkey-wrap.ts'
import type { KeyRecord, PasskeyRecord, PasskeyVaultRecord, SealedBytes } from './schema.ts'
import { assertMayTry, withPasswordThrottle } from './throttle.ts'

/** A credential the authenticator made or used, with the PRF output for the salt it was given. */
export interface PasskeyResult {
  readonly credentialId: Uint8Array
  /** PRF output (32 bytes), or undefined when the authenticator has no PRF. */
  readonly prf: Uint8Array | undefined
}

/** The WebAuthn side of passkey unlock (webauthn.ts; tests use a software one). */
export interface PasskeyAuthenticator {
  /** Creates a passkey for the container (user verification required), evaluating PRF on `prfSalt` if it can. */
  create(request: { containerId: string; containerName: string; prfSalt: Uint8Array; excludeCredentialIds: readonly Uint8Array[] }): Promise<PasskeyResult>
  /** Asks for one of `credentialIds` (user verification required) and evaluates PRF on `prfSalt`. */
  assert(request: { credentialIds: readonly Uint8Array[]; prfSalt: Uint8Array }): Promise<PasskeyResult>
}

/** A passkey as the UI lists it. */
export interface PasskeyView {
  readonly id: string
  readonly containerId: string
  readonly label: string
  readonly createdAt: number
}

/** base64url without padding (credential ids in record ids). */
export function base64url(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

function toView(record: PasskeyRecord): PasskeyView {
  return { id: record.id, containerId: record.containerId, label: record.label, createdAt: record.createdAt }
}

/** The container's passkeys and vault (one read transaction). */
async function readPasskeys(ctx: KeystoreContext, containerId: string): Promise<{ passkeys: PasskeyRecord[]; vault: PasskeyVaultRecord | undefined }> {
  return ctx.db.run(async (db) => {
    const tx = db.transaction(['passkeys', 'passkeyVaults'])
    const [passkeys, vault] = await Promise.all([
      tx.objectStore('passkeys').index('byContainer').getAll(containerId),
      tx.objectStore('passkeyVaults').get(containerId),
    ])
    return { passkeys: passkeys.sort((a, b) => a.createdAt - b.createdAt), vault }
  })
}

/** Passkeys of a container, oldest first (no secrets). */
export async function listPasskeys(ctx: KeystoreContext, containerId: string): Promise<PasskeyView[]> {
  return (await readPasskeys(ctx, containerId)).passkeys.map(toView)
}

/** The container key from the password (PBKDF2 + AES-GCM); the caller zeroes it. */
export async function containerKeyFromPassword(ctx: KeystoreContext, vault: PasskeyVaultRecord, password: string): Promise<Uint8Array> {
  const kek = await passwordKek(password, vault.passwordSalt, vault.passwordIterations, ctx.crypto)
  return open(kek, vault.passwordWrap, passwordAssociatedData(vault.containerId), ctx.crypto, 'password')
}

/** The container key wrapped under `password` with a fresh salt. */
export async function wrapForPassword(
  ctx: KeystoreContext,
  containerId: string,
  containerKey: Uint8Array,
  password: string,
): Promise<Pick<PasskeyVaultRecord, 'passwordSalt' | 'passwordIterations' | 'passwordWrap'>> {
  const passwordSalt = ctx.crypto.getRandomValues(new Uint8Array(16))
  const kek = await passwordKek(password, passwordSalt, ctx.iterations, ctx.crypto)
  const passwordWrap = await seal(kek, containerKey, passwordAssociatedData(containerId), ctx.crypto)
  return { passwordSalt, passwordIterations: ctx.iterations, passwordWrap }
}

/** Seals one plain PKCS#8 under the container key for `keyId`. */
export async function sealKeyForPasskeys(ctx: KeystoreContext, containerKey: Uint8Array, containerId: string, keyId: string, pkcs8: Uint8Array): Promise<SealedBytes> {
  return seal(await importContainerKey(containerKey, ctx.crypto), pkcs8, keyAssociatedData(containerId, keyId), ctx.crypto)
}

/**
 * A new vault for a container without passkeys: every key is opened with the password (which
 * proves it), sealed under a fresh container key, and the container key wrapped by the password.
 */
async function newVault(ctx: KeystoreContext, containerId: string, records: readonly KeyRecord[], password: string): Promise<{ vault: PasskeyVaultRecord; containerKey: Uint8Array }> {
  const containerKey = newContainerKey(ctx.crypto)
  const cek = await importContainerKey(containerKey, ctx.crypto)
  const keys: Record<string, SealedBytes> = {}
  for (const r of records) {
    const pkcs8 = await openPkcs8(r.encryptedPkcs8, password, r.spki, r.algorithm, ctx.crypto)
    try {
      keys[r.id] = await seal(cek, pkcs8, keyAssociatedData(containerId, r.id), ctx.crypto)
    } finally {
      pkcs8.fill(0)
    }
  }
  const vault: PasskeyVaultRecord = {
    containerId,
    prfSalt: ctx.crypto.getRandomValues(new Uint8Array(32)),
    hkdfSalt: ctx.crypto.getRandomValues(new Uint8Array(32)),
    ...(await wrapForPassword(ctx, containerId, containerKey, password)),
    keys,
  }
  return { vault, containerKey }
}

/**
 * Sets up a passkey for a container. The password is checked first (under the wrong-password
 * slowdown), then the authenticator creates the credential and gives the PRF output, and the
 * passkey (with the vault, for the first one) is written in one transaction.
 * @throws ERR_WRONG_PASSWORD, ERR_RETRY_LATER, ERR_NOT_SUPPORTED (no PRF: nothing is stored),
 *   ERR_NOT_FOUND, whatever the authenticator throws (ERR_USER_CANCELLED).
 */
export async function addPasskey(
  ctx: KeystoreContext,
  containerId: string,
  password: string,
  authenticator: PasskeyAuthenticator,
  label: string,
): Promise<PasskeyView> {
  const container = await getContainer(ctx, containerId)
  const records = await readKeyRecords(ctx, containerId)
  const { passkeys, vault: existing } = await readPasskeys(ctx, containerId)
  const { vault, containerKey } = await withPasswordThrottle(ctx.db, containerId, ctx.now, async () => {
    assertPassword(password)
    if (existing) return { vault: existing, containerKey: await containerKeyFromPassword(ctx, existing, password) }
    return newVault(ctx, containerId, records, password)
  })
  try {
    const created = await authenticator.create({
      containerId,
      containerName: container.name,
      prfSalt: vault.prfSalt,
      excludeCredentialIds: passkeys.map((p) => p.credentialId),
    })
    // Some authenticators give PRF results only on assertion: ask once more with the new credential.
    const prf = created.prf ?? (await authenticator.assert({ credentialIds: [created.credentialId], prfSalt: vault.prfSalt })).prf
    if (!prf) throw new QoltanbaError(ErrorCode.NotSupported, 'The authenticator has no PRF', { reason: 'prf' })
    let kek: CryptoKey
    try {
      kek = await passkeyKek(prf, vault.hkdfSalt, ctx.crypto)
    } finally {
      prf.fill(0)
    }
    const record: PasskeyRecord = {
      id: `${containerId}:${base64url(created.credentialId)}`,
      containerId,
      credentialId: created.credentialId,
      label: label.trim().slice(0, 100),
      createdAt: Date.now(),
      wrap: await seal(kek, containerKey, passkeyAssociatedData(created.credentialId, containerId), ctx.crypto),
    }
    await ctx.db.write(['containers', 'keys', 'passkeyVaults', 'passkeys'], async (tx) => {
      if (!(await tx.objectStore('containers').get(containerId))) throw notFound(containerId)
      if (!existing) {
        // Keys added or removed since we sealed them (another tab): the vault would miss one.
        const keyIds = await tx.objectStore('keys').index('byContainer').getAllKeys(containerId)
        if (keyIds.length !== records.length || keyIds.some((id) => !vault.keys[id])) throw notFound(containerId)
        await tx.objectStore('passkeyVaults').add(vault)
      } else if (!(await tx.objectStore('passkeyVaults').get(containerId))) {
        throw notFound(containerId)
      }
      await tx.objectStore('passkeys').add(record)
    })
    return toView(record)
  } finally {
    containerKey.fill(0)
  }
}

/**
 * Unlocks a container with one of its passkeys, without the password. Refused while the
 * wrong-password delay runs (before the authenticator is asked); a credential that is not this
 * container's, or whose PRF output does not open the wrap, is ERR_WRONG_PASSWORD with
 * details.factor 'passkey' and counts as a failed attempt. Nothing is written but that count.
 * `timing`, when given, receives the milliseconds the authenticator took (the benchmark).
 */
export async function unlockWithPasskey(
  ctx: KeystoreContext,
  containerId: string,
  authenticator: PasskeyAuthenticator,
  timing?: { authenticatorMs: number },
): Promise<void> {
  const [records, { passkeys, vault }] = await Promise.all([readKeyRecords(ctx, containerId), readPasskeys(ctx, containerId)])
  if (!vault || passkeys.length === 0) {
    await getContainer(ctx, containerId) // ERR_NOT_FOUND for an unknown container
    throw new QoltanbaError(ErrorCode.NotFound, 'The container has no passkey', { reason: 'no_passkey' })
  }
  await assertMayTry(ctx.db, containerId, ctx.now())
  const started = performance.now()
  const asserted = await authenticator.assert({ credentialIds: passkeys.map((p) => p.credentialId), prfSalt: vault.prfSalt })
  if (timing) timing.authenticatorMs = performance.now() - started
  const keys = await withPasswordThrottle(ctx.db, containerId, ctx.now, async () => {
    const prf = asserted.prf
    const passkey = passkeys.find((p) => sameBytes(p.credentialId, asserted.credentialId))
    if (!passkey || !prf) {
      prf?.fill(0)
      throw new QoltanbaError(ErrorCode.WrongPassword, 'This passkey is not one of the container', { factor: 'passkey', reason: passkey ? 'prf' : 'credential' })
    }
    let kek: CryptoKey
    try {
      kek = await passkeyKek(prf, vault.hkdfSalt, ctx.crypto)
    } finally {
      prf.fill(0)
    }
    const containerKey = await open(kek, passkey.wrap, passkeyAssociatedData(passkey.credentialId, containerId), ctx.crypto, 'passkey')
    let cek: CryptoKey
    try {
      cek = await importContainerKey(containerKey, ctx.crypto)
    } finally {
      containerKey.fill(0)
    }
    return new Map(
      await Promise.all(
        records.map(async (r) => {
          const sealed = vault.keys[r.id]
          if (!sealed) throw new QoltanbaError(ErrorCode.NotFound, 'A key of the container has no passkey copy', { reason: 'no_passkey' })
          const pkcs8 = await open(cek, sealed, keyAssociatedData(containerId, r.id), ctx.crypto, 'passkey')
          try {
            // AES-GCM authenticated these bytes as what the password opened at setup: no pair check needed.
            return [r.id, await importPrivateKey(pkcs8, 'sign', false, ctx.crypto)] as const
          } finally {
            pkcs8.fill(0)
          }
        }),
      ),
    )
  })
  ctx.sessions.open(containerId, keys)
}

/** Removes one passkey; the last one takes the vault with it (no sealed copies stay behind). */
export async function removePasskey(ctx: KeystoreContext, containerId: string, passkeyId: string): Promise<void> {
  await ctx.db.write(['passkeys', 'passkeyVaults'], async (tx) => {
    const store = tx.objectStore('passkeys')
    const record = await store.get(passkeyId)
    if (!record || record.containerId !== containerId) {
      throw new QoltanbaError(ErrorCode.NotFound, 'No such passkey', { reason: 'no_passkey' })
    }
    await store.delete(passkeyId)
    const left = await store.index('byContainer').count(containerId)
    if (left === 0) await tx.objectStore('passkeyVaults').delete(containerId)
  })
}

/** The vault of a container, or undefined (password change and addKey keep it current). */
export function readVault(ctx: KeystoreContext, containerId: string): Promise<PasskeyVaultRecord | undefined> {
  return ctx.db.run((db) => db.get('passkeyVaults', containerId))
}
