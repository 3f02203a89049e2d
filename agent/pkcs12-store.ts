/**
 * PKCS#12 files as a storage, as NCALayer offers ("PKCS12"): the `.p12`/`.pfx` files in
 * `<dataDir>/p12/`. The password is the `pin` of a request; the file is read for that request
 * only (src/pki/pkcs12 readPkcs12), the key imported non-extractable, and nothing is cached.
 * Read-only: keys are generated on tokens or in the browser, and a file is written by whoever
 * holds the key (the PWA's installation step), so generate/import/delete are not offered here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Buffer } from 'node:buffer'
import { ErrorCode, QoltanbaError } from '../src/core/errors.ts'
import { readPkcs12, MAX_PKCS12_BYTES, type Pkcs12Contents } from '../src/pki/pkcs12/index.ts'
import { importPrivateKey, publicKeyOf } from '../src/pki/private-key.ts'
import { certificateMatchesKey } from '../src/pki/certificate-info.ts'
import { signCms } from '../src/pki/cms.ts'
import type { ListObjectsResult, WireToken } from '../src/core/agent-protocol.ts'
import { matchesSignerParams, parseCertificate, type SignerParams } from './certificate.ts'
import { certificateId } from './pkcs11/objects.ts'

const FILE_NAME = /^[\w .()-]{1,100}\.(p12|pfx)$/i

/** `<dataDir>/p12` */
function pkcs12Dir(dataDir: string): string {
  return join(dataDir, 'p12')
}

/** The PKCS#12 files present. */
export function listPkcs12Files(dataDir: string): WireToken[] {
  let names: string[]
  try {
    names = readdirSync(pkcs12Dir(dataDir))
  } catch {
    return []
  }
  return names
    .filter((n) => FILE_NAME.test(n))
    .sort()
    .map((name) => ({ id: `p12:${name}`, type: 'pkcs12' as const, label: name }))
}

/** True for a `p12:` storage id. */
export function isPkcs12StorageId(id: string): boolean {
  return id.startsWith('p12:')
}

async function open(dataDir: string, storageId: string, password: string): Promise<Pkcs12Contents> {
  const name = storageId.slice(4)
  if (!FILE_NAME.test(name)) throw new QoltanbaError(ErrorCode.TokenMissing, 'No such PKCS#12 file')
  const path = join(pkcs12Dir(dataDir), name)
  let bytes: Buffer
  try {
    if (statSync(path).size > MAX_PKCS12_BYTES) throw new QoltanbaError(ErrorCode.TooLarge, 'The PKCS#12 file is too large')
    bytes = readFileSync(path)
  } catch (e) {
    if (e instanceof QoltanbaError) throw e
    throw new QoltanbaError(ErrorCode.TokenMissing, 'No such PKCS#12 file')
  }
  return readPkcs12(new Uint8Array(bytes), password)
}

/** Key ids: localKeyId hex, else the key's position. */
function keyIdOf(key: Pkcs12Contents['keys'][number], index: number): string {
  return key.localKeyId ? Buffer.from(key.localKeyId).toString('hex') : `k${index}`
}

/** Pairs each key with its certificate (localKeyId first, public key otherwise). */
async function pairs(contents: Pkcs12Contents): Promise<Array<{ keyId: string; pkcs8: Uint8Array; spki?: Uint8Array; algorithm: string; certificate?: Uint8Array }>> {
  const out = []
  for (const [i, key] of contents.keys.entries()) {
    const spki = key.algorithm === 'RSA' || key.algorithm === 'EC' ? (await publicKeyOf(key.pkcs8)).spki : undefined
    const byLocalId = key.localKeyId
      ? contents.certificates.find((c) => c.localKeyId && Buffer.from(c.localKeyId).equals(Buffer.from(key.localKeyId as Uint8Array)))
      : undefined
    const byKey = spki ? contents.certificates.find((c) => certificateMatchesKey(c.der, spki)) : undefined
    out.push({ keyId: keyIdOf(key, i), pkcs8: key.pkcs8, spki, algorithm: key.algorithm, certificate: (byLocalId ?? byKey)?.der })
  }
  return out
}

/** Keys and certificates of a file; without the password nothing can be read (certificates are encrypted too). */
export async function listPkcs12Objects(dataDir: string, storageId: string, password?: string): Promise<ListObjectsResult> {
  if (!password) {
    if (!listPkcs12Files(dataDir).some((f) => f.id === storageId)) throw new QoltanbaError(ErrorCode.TokenMissing, 'No such PKCS#12 file')
    return { keys: [], certificates: [] }
  }
  const contents = await open(dataDir, storageId, password)
  const paired = await pairs(contents)
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')
  return {
    keys: paired.map((p) => ({
      id: p.keyId,
      algorithm: p.algorithm === 'RSA' || p.algorithm === 'EC' ? p.algorithm : 'unknown',
      publicKey: p.spki ? b64(p.spki) : undefined,
    })),
    certificates: contents.certificates.map((c) => ({
      id: certificateId(c.der),
      keyId: paired.find((p) => p.certificate && Buffer.from(p.certificate).equals(Buffer.from(c.der)))?.keyId,
      label: c.friendlyName,
      der: b64(c.der),
    })),
  }
}

/** CMS with a key from the file (chosen by `certificateId` or by `signerParams`). */
export async function signWithPkcs12(
  dataDir: string,
  request: { storageId: string; pin: string; data: Uint8Array; messageDigest?: Uint8Array; detached: boolean; certificateId?: string; signerParams: SignerParams },
): Promise<Uint8Array | undefined> {
  const contents = await open(dataDir, request.storageId, request.pin)
  for (const pair of await pairs(contents)) {
    if (!pair.certificate) continue
    if (request.certificateId && certificateId(pair.certificate) !== request.certificateId) continue
    if (!matchesSignerParams(parseCertificate(pair.certificate), request.signerParams)) continue
    const privateKey = await importPrivateKey(pair.pkcs8, 'sign')
    return signCms({ data: request.data, privateKey, certificate: pair.certificate, detached: request.detached, ...(request.messageDigest ? { messageDigest: request.messageDigest } : {}) })
  }
  return undefined
}
