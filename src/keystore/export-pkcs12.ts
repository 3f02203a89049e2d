/**
 * Exporting keys as PKCS#12 files (a backup, or to use the key elsewhere) and as encrypted
 * PKCS#8 (the stored bytes, for keys without a certificate yet).
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import { toPem } from '../pki/pem.ts'
import { writePkcs12 } from '../pki/pkcs12/index.ts'
import type { KeystoreContext } from './context.ts'
import { assertPassword, getContainer, notFound, readKeyRecords } from './containers.ts'
import { openPkcs8 } from './key-material.ts'
import { withPasswordThrottle } from './throttle.ts'

/** Options of {@link exportPkcs12}. */
export interface ExportPkcs12Options {
  /** The container password (decrypts the stored keys). */
  readonly password: string
  /** Password of the file; default: the container password. */
  readonly filePassword?: string
  /** Export only this key; default: every key that has a certificate. */
  readonly keyId?: string
  /** 'modern' (AES-256, default) or 'legacy' (3DES, for older Windows and macOS). */
  readonly compatibility?: 'modern' | 'legacy'
}

/**
 * Writes a PKCS#12 file with the container's keys, their certificates and the CA certificates
 * it holds. Keys without a certificate cannot go into PKCS#12: see {@link exportEncryptedKey}.
 * @throws ERR_WRONG_PASSWORD / ERR_RETRY_LATER (throttled like unlock), ERR_NOT_FOUND
 *   (details.reason 'no_certificate' when no key has a certificate).
 */
export async function exportPkcs12(ctx: KeystoreContext, containerId: string, options: ExportPkcs12Options): Promise<Uint8Array> {
  const container = await getContainer(ctx, containerId)
  const filePassword = options.filePassword || options.password
  assertPassword(filePassword)
  const chain = container.certificates.filter((c) => !c.keyId).map((c) => c.der)
  const records = (await readKeyRecords(ctx, containerId)).filter((k) => !options.keyId || k.id === options.keyId)
  if (options.keyId && records.length === 0) throw new QoltanbaError(ErrorCode.NotFound, 'No such key', { keyId: options.keyId })
  const withCertificates = records.flatMap((key) => {
    const certificate = newestCertificate(container.certificates.filter((c) => c.keyId === key.id))
    return certificate ? [{ key, certificate }] : []
  })
  if (withCertificates.length === 0) {
    throw new QoltanbaError(ErrorCode.NotFound, 'No key with a certificate to export', { reason: 'no_certificate' })
  }
  const pkcs8s = await withPasswordThrottle(ctx.db, containerId, ctx.now, () =>
    Promise.all(withCertificates.map(({ key }) => openPkcs8(key.encryptedPkcs8, options.password, key.spki, key.algorithm, ctx.crypto))),
  )
  try {
    return await writePkcs12(
      {
        entries: withCertificates.map(({ key, certificate }, i) => ({
          pkcs8: pkcs8s[i] as Uint8Array,
          certificate: certificate.der,
          chain,
          friendlyName: key.friendlyName ?? certificate.summary.commonName ?? container.name,
        })),
        password: filePassword,
        compatibility: options.compatibility ?? 'modern',
      },
      ctx.crypto,
    )
  } finally {
    for (const pkcs8 of pkcs8s) pkcs8.fill(0)
  }
}

/**
 * The stored EncryptedPrivateKeyInfo of one key as PEM ("ENCRYPTED PRIVATE KEY"), protected by
 * the container password; `openssl pkey` reads it. Needs no password: it is already encrypted.
 */
export async function exportEncryptedKey(ctx: KeystoreContext, containerId: string, keyId: string): Promise<string> {
  const record = await ctx.db.run((db) => db.get('keys', keyId))
  if (!record || record.containerId !== containerId) throw notFound(containerId)
  return toPem(record.encryptedPkcs8, 'ENCRYPTED PRIVATE KEY')
}

function newestCertificate<T extends { summary: { notAfter: number } }>(certificates: T[]): T | undefined {
  return certificates.sort((a, b) => b.summary.notAfter - a.summary.notAfter)[0]
}
