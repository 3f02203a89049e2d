/** Containers: list, read, create with a generated key, rename, delete. */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import type { KeystoreContext } from './context.ts'
import { importPrivateKey } from '../pki/private-key.ts'
import { openGostKey } from './gost-keys.ts'
import { generateKeyMaterial, sealPkcs8, type KeyAlgorithmChoice, type KeyMaterial } from './key-material.ts'
import type { ContainerRecord, KeyRecord } from './schema.ts'
import { toKeyView, type ContainerView, type KeyView } from './views.ts'

/** Every container with its keys and certificates, oldest first. */
export async function listContainers(ctx: KeystoreContext): Promise<ContainerView[]> {
  const { containers, keys, certificates } = await ctx.db.run(async (db) => {
    const tx = db.transaction(['containers', 'keys', 'certificates'])
    const [containers, keys, certificates] = await Promise.all([
      tx.objectStore('containers').getAll(),
      tx.objectStore('keys').getAll(),
      tx.objectStore('certificates').getAll(),
    ])
    return { containers, keys, certificates }
  })
  return containers
    .sort((a, b) => a.createdAt - b.createdAt)
    .map((c) => ({
      ...c,
      keys: keys.filter((k) => k.containerId === c.id).map(toKeyView),
      certificates: certificates.filter((x) => x.containerId === c.id),
      unlocked: ctx.sessions.isOpen(c.id),
    }))
}

/** One container; ERR_NOT_FOUND when it does not exist. */
export async function getContainer(ctx: KeystoreContext, containerId: string): Promise<ContainerView> {
  const found = await ctx.db.run(async (db) => {
    const tx = db.transaction(['containers', 'keys', 'certificates'])
    const [container, keys, certificates] = await Promise.all([
      tx.objectStore('containers').get(containerId),
      tx.objectStore('keys').index('byContainer').getAll(containerId),
      tx.objectStore('certificates').index('byContainer').getAll(containerId),
    ])
    return container && { ...container, keys: keys.map(toKeyView), certificates, unlocked: ctx.sessions.isOpen(containerId) }
  })
  if (!found) throw notFound(containerId)
  return found
}

/** Encrypted key records of a container (for unlock, export, password change). */
export function readKeyRecords(ctx: KeystoreContext, containerId: string): Promise<KeyRecord[]> {
  return ctx.db.run((db) => db.getAllFromIndex('keys', 'byContainer', containerId))
}

/** Options of {@link createContainer}. */
export interface CreateContainerOptions {
  readonly name: string
  readonly password: string
  /** Default RSA-2048. */
  readonly algorithm?: KeyAlgorithmChoice
}

/** The result of creating a container: it is left unlocked, its key ready for a CSR. */
export interface CreatedContainer {
  readonly container: ContainerView
  readonly key: KeyView
  /** The new key pair (private half non-extractable), e.g. for `createCsr`. */
  readonly keyPair: CryptoKeyPair
}

/**
 * Creates a container with one generated key pair, stores it encrypted under `password`
 * and leaves it unlocked.
 */
export async function createContainer(ctx: KeystoreContext, options: CreateContainerOptions): Promise<CreatedContainer> {
  assertPassword(options.password)
  const material = await generateKeyMaterial(options.algorithm ?? 'RSA-2048', ctx.crypto)
  const now = Date.now()
  const container: ContainerRecord = { id: ctx.crypto.randomUUID(), name: cleanName(options.name), createdAt: now, updatedAt: now, source: 'generated' }
  const { record, keyPair } = await prepareKey(ctx, container.id, material, options.password)
  await ctx.db.write(['containers', 'keys'], async (tx) => {
    await tx.objectStore('containers').add(container)
    await tx.objectStore('keys').add(record)
  })
  ctx.sessions.open(container.id, new Map([[record.id, keyPair.privateKey]]))
  const key = toKeyView(record)
  return { container: { ...container, keys: [key], certificates: [], unlocked: true }, key, keyPair }
}

/**
 * Encrypts key material into a record and imports its private key non-extractable.
 * The plain PKCS#8 is zeroed.
 */
export async function prepareKey(
  ctx: KeystoreContext,
  containerId: string,
  material: KeyMaterial,
  password: string,
  friendlyName?: string,
): Promise<{ record: KeyRecord; keyPair: CryptoKeyPair }> {
  const privateKey =
    material.algorithm.name === 'GOST'
      ? await openGostKey(material.pkcs8, material.spki, ctx.crypto)
      : await importPrivateKey(material.pkcs8, 'sign', false, ctx.crypto)
  const encryptedPkcs8 = await sealPkcs8(material.pkcs8, password, ctx.iterations, ctx.crypto)
  const record: KeyRecord = {
    id: ctx.crypto.randomUUID(),
    containerId,
    algorithm: material.algorithm,
    spki: material.spki,
    encryptedPkcs8,
    createdAt: Date.now(),
    ...(friendlyName ? { friendlyName } : {}),
  }
  return { record, keyPair: { privateKey, publicKey: material.publicKey } }
}

/** Renames a container. */
export async function renameContainer(ctx: KeystoreContext, containerId: string, name: string): Promise<void> {
  const clean = cleanName(name)
  await ctx.db.write(['containers'], async (tx) => {
    const store = tx.objectStore('containers')
    const container = await store.get(containerId)
    if (!container) throw notFound(containerId)
    await store.put({ ...container, name: clean, updatedAt: Date.now() })
  })
}

/** Deletes a container with its keys, certificates, passkeys and attempt history, in one transaction. */
export async function deleteContainer(ctx: KeystoreContext, containerId: string): Promise<void> {
  await ctx.db.write(['containers', 'keys', 'certificates', 'attempts', 'passkeyVaults', 'passkeys'], async (tx) => {
    if (!(await tx.objectStore('containers').get(containerId))) throw notFound(containerId)
    const keys = await tx.objectStore('keys').index('byContainer').getAllKeys(containerId)
    const certificates = await tx.objectStore('certificates').index('byContainer').getAllKeys(containerId)
    const passkeys = await tx.objectStore('passkeys').index('byContainer').getAllKeys(containerId)
    await Promise.all([
      tx.objectStore('containers').delete(containerId),
      tx.objectStore('attempts').delete(containerId),
      tx.objectStore('passkeyVaults').delete(containerId),
      ...passkeys.map((id) => tx.objectStore('passkeys').delete(id)),
      ...keys.map((id) => tx.objectStore('keys').delete(id)),
      ...certificates.map((id) => tx.objectStore('certificates').delete(id)),
    ])
  })
  ctx.sessions.close(containerId, 'deleted')
}

/** ERR_NOT_FOUND for a container id. */
export function notFound(containerId: string): QoltanbaError {
  return new QoltanbaError(ErrorCode.NotFound, 'No such container', { containerId })
}

/** Rejects an empty password (the UI asks for a strong one; this is the last line). */
export function assertPassword(password: string): void {
  if (typeof password !== 'string' || password.length === 0) {
    throw new QoltanbaError(ErrorCode.WrongPassword, 'A password is required')
  }
}

function cleanName(name: string): string {
  const clean = name.trim().slice(0, 100)
  if (!clean) throw new QoltanbaError(ErrorCode.Malformed, 'A container needs a name', { field: 'name' })
  return clean
}
