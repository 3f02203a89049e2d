/**
 * Importing a PKCS#12 file (.p12/.pfx) as a new container. Everything is checked and prepared
 * before the one transaction that stores it, so a file that fails in any way (wrong password,
 * broken MAC, garbage, a GOST key form we cannot prove, no key) leaves the keystore untouched.
 * NCA's GOST keys (issue 23) import like RSA ones; src/pki/gost holds them once unlocked.
 */
import { asMalformed, ErrorCode, QoltanbaError } from '../core/errors.ts'
import { MAX_PKCS12_BYTES, readPkcs12 } from '../pki/pkcs12/index.ts'
import { summarizeCertificate, certificateBelongsTo } from './certificates.ts'
import type { KeystoreContext } from './context.ts'
import { assertPassword, prepareKey } from './containers.ts'
import { describePkcs8 } from './key-material.ts'
import type { CertificateRecord, ContainerRecord, KeyRecord } from './schema.ts'
import { toKeyView, type ContainerView } from './views.ts'

/** Largest file accepted (1 MiB: real key files are a few kilobytes, chains included). */
export { MAX_PKCS12_BYTES }

/** Options of {@link importPkcs12}. */
export interface ImportPkcs12Options {
  /** Container name; default: the certificate owner's name, else the file name. */
  readonly name?: string
  /** File name, as a fallback name. */
  readonly fileName?: string
  /** Password for the new container; default: the file's password. */
  readonly containerPassword?: string
}

/**
 * Imports `bytes` (PKCS#12) protected by `password` as a new, unlocked container.
 * @throws ERR_TOO_LARGE, ERR_MALFORMED, ERR_WRONG_PASSWORD, ERR_MAC_MISMATCH,
 *   ERR_UNSUPPORTED_ALGORITHM (details.algorithm 'GOST' and details.hint 'agent' for the GOST key
 *   forms the browser cannot use: GOST 34.10-2015 private keys, Russian GOST).
 */
export async function importPkcs12(
  ctx: KeystoreContext,
  bytes: Uint8Array,
  password: string,
  options: ImportPkcs12Options = {},
): Promise<ContainerView> {
  if (bytes.byteLength > MAX_PKCS12_BYTES) {
    throw new QoltanbaError(ErrorCode.TooLarge, 'The file is too large for a key file', { maxBytes: MAX_PKCS12_BYTES })
  }
  if (bytes.byteLength === 0) throw new QoltanbaError(ErrorCode.Malformed, 'The file is empty')
  const storePassword = options.containerPassword ?? password
  assertPassword(storePassword)

  let contents: Awaited<ReturnType<typeof readPkcs12>>
  try {
    contents = await readPkcs12(bytes, password, ctx.crypto)
  } catch (e) {
    throw gostAware(asMalformed(e, 'PKCS#12 file'))
  }
  try {
    for (const key of contents.keys) {
      if (key.algorithm === 'unknown') {
        throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, 'The key algorithm is not supported', { algorithm: 'unknown' })
      }
    }
    if (contents.keys.length === 0) {
      throw new QoltanbaError(ErrorCode.Malformed, 'The file holds no private key', { reason: 'no_key' })
    }

    const containerId = ctx.crypto.randomUUID()
    const now = Date.now()
    const described = await Promise.all(contents.keys.map((k) => describePkcs8(k.pkcs8, ctx.crypto).catch((e: unknown) => {
      throw gostAware(asMalformed(e, 'Private key'))
    })))
    const summaries = await Promise.all(contents.certificates.map((c) => summarizeCertificate(c.der, ctx.crypto)))

    const keys: KeyRecord[] = []
    const privateKeys = new Map<string, CryptoKey>()
    for (const [i, material] of described.entries()) {
      const friendlyName = contents.keys[i]?.friendlyName
      const { record, keyPair } = await prepareKey(ctx, containerId, material, storePassword, friendlyName)
      keys.push(record)
      privateKeys.set(record.id, keyPair.privateKey)
    }

    const certificates = new Map<string, CertificateRecord>()
    for (const [i, cert] of contents.certificates.entries()) {
      const summary = summaries[i]
      if (!summary) continue
      const owner = keys.find((k) => certificateBelongsTo(cert.der, k.spki))
      const id = `${containerId}:${summary.fingerprintSha256}`
      certificates.set(id, { id, containerId, der: cert.der, summary, addedAt: now, ...(owner ? { keyId: owner.id } : {}) })
    }

    const ownerName = [...certificates.values()].find((c) => c.keyId)?.summary.commonName
    const container: ContainerRecord = {
      id: containerId,
      name: (options.name?.trim() || ownerName || stripExtension(options.fileName) || 'PKCS#12').slice(0, 100),
      createdAt: now,
      updatedAt: now,
      source: 'imported',
    }
    await ctx.db.write(['containers', 'keys', 'certificates'], async (tx) => {
      await tx.objectStore('containers').add(container)
      for (const key of keys) await tx.objectStore('keys').add(key)
      for (const cert of certificates.values()) await tx.objectStore('certificates').add(cert)
    })
    ctx.sessions.open(containerId, privateKeys)
    return { ...container, keys: keys.map(toKeyView), certificates: [...certificates.values()], unlocked: true }
  } finally {
    for (const key of contents.keys) key.pkcs8.fill(0)
  }
}

/**
 * True when `bytes` open with the empty password: the file has none (OpenSSL `-passout pass:`,
 * PKCS12_create(NULL), Windows exports without a password; readPkcs12 tries both forms). The import
 * dialog asks this first and asks for the file's password only when it is false; such a file still
 * needs a container password of its own. Any other failure is false too: the import reports it.
 */
export async function pkcs12OpensWithoutPassword(ctx: KeystoreContext, bytes: Uint8Array): Promise<boolean> {
  if (bytes.byteLength === 0 || bytes.byteLength > MAX_PKCS12_BYTES) return false
  try {
    const contents = await readPkcs12(bytes, '', ctx.crypto)
    for (const key of contents.keys) key.pkcs8.fill(0)
    return true
  } catch {
    return false
  }
}

/** The refusal of a GOST key form src/pki/gost cannot use: the user needs a token and the agent. */
function gostError(): QoltanbaError {
  return new QoltanbaError(
    ErrorCode.UnsupportedAlgorithm,
    'This GOST key cannot be used in a browser; use a hardware token with the signing agent',
    { algorithm: 'GOST', gost: true, hint: 'agent' },
  )
}

/** Reports a GOST-specific error from the PKCS#12 reader with the same code and hint. */
function gostAware(e: QoltanbaError): QoltanbaError {
  const gost = e.details.gost === true || e.details.algorithm === 'GOST'
  if (e.code === ErrorCode.GostKey || (e.code === ErrorCode.UnsupportedAlgorithm && gost)) {
    return gostError()
  }
  return e
}

function stripExtension(fileName: string | undefined): string | undefined {
  return fileName?.replace(/\.(p12|pfx)$/i, '').trim() || undefined
}
