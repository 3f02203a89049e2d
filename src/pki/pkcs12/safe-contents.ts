/**
 * Opening the pieces of a PKCS#12 authenticated safe: plain or password-encrypted SafeContents,
 * shrouded key bags, certificate bags and their attributes.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { parsePki, type Asn1Limits } from '../asn1.ts'
import { ErrorCode, QoltanbaError } from '../../core/errors.ts'
import { keyAlgorithm } from './key-algorithm.ts'
import { MAX_BAGS, MAX_PKCS12_BYTES, MAX_PKCS12_DEPTH, MAX_PKCS12_NODES, MAX_SAFE_CONTENTS_NESTING } from './limits.ts'
import { Pkcs12Oid } from '../oids.ts'
import type { Pkcs12Password } from './kdf.ts'
import { decryptionFailed, decryptWithPassword } from './pbe.ts'
import type { Pkcs12Certificate, Pkcs12Contents, Pkcs12Key } from './types.ts'

/** Parse limits for every piece of a PKCS#12 file. */
export const PKCS12_LIMITS: Asn1Limits = {
  maxBytes: MAX_PKCS12_BYTES,
  maxDepth: MAX_PKCS12_DEPTH,
  maxNodes: MAX_PKCS12_NODES,
}

/** The bytes of an OCTET STRING, primitive or constructed (BER, as Java and NCA write it). */
export function octetStringBytes(value: unknown, what: string): Uint8Array {
  if (!(value instanceof asn1js.OctetString)) throw new QoltanbaError(ErrorCode.Malformed, `PKCS#12 ${what} is malformed`)
  return new Uint8Array(value.getValue())
}

/** Parses decrypted bytes; a failure means the decryption produced garbage, i.e. the password did not fit. */
function parseDecrypted<T>(Type: new (params: { schema: asn1js.AsnType }) => T, plain: Uint8Array, what: string): T {
  try {
    return parsePki(Type, plain, what, PKCS12_LIMITS)
  } catch (e) {
    throw decryptionFailed(e)
  }
}

/** Opens one ContentInfo of the authenticated safe (Data or password EncryptedData). */
export async function openSafe(info: pkijs.ContentInfo, password: Pkcs12Password, crypto: Crypto): Promise<pkijs.SafeContents> {
  if (info.contentType === Pkcs12Oid.data) {
    return parsePki(pkijs.SafeContents, octetStringBytes(info.content, 'safe contents'), 'PKCS#12 safe contents', PKCS12_LIMITS)
  }
  if (info.contentType !== Pkcs12Oid.encryptedData) {
    throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `Unsupported PKCS#12 content type: ${info.contentType}`, {
      oid: info.contentType,
    })
  }
  let encrypted: pkijs.EncryptedData
  try {
    encrypted = new pkijs.EncryptedData({ schema: info.content })
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, 'PKCS#12 encrypted data is malformed', {}, { cause: e })
  }
  const eci = encrypted.encryptedContentInfo
  if (!eci.encryptedContent) throw new QoltanbaError(ErrorCode.Malformed, 'PKCS#12 encrypted data has no content')
  const plain = await decryptWithPassword(
    eci.contentEncryptionAlgorithm,
    new Uint8Array(eci.getEncryptedContent()),
    password,
    crypto,
  )
  return parseDecrypted(pkijs.SafeContents, plain, 'PKCS#12 encrypted safe contents')
}

/** Decrypts a pkcs8ShroudedKeyBag into PKCS#8 DER and its parsed form. */
export async function openShroudedKey(
  bag: pkijs.PKCS8ShroudedKeyBag,
  password: Pkcs12Password,
  crypto: Crypto,
): Promise<{ pkcs8: Uint8Array; info: pkijs.PrivateKeyInfo }> {
  const encrypted = octetStringBytes(bag.encryptedData, 'shrouded key bag')
  const pkcs8 = await decryptWithPassword(bag.encryptionAlgorithm, encrypted, password, crypto)
  return { pkcs8, info: parseDecrypted(pkijs.PrivateKeyInfo, pkcs8, 'PKCS#8 private key') }
}

interface BagAttributes {
  localKeyId?: Uint8Array
  friendlyName?: string
}

function readAttributes(attributes: pkijs.Attribute[] | undefined): BagAttributes {
  const out: BagAttributes = {}
  for (const attribute of attributes ?? []) {
    const value: unknown = attribute.values[0]
    if (attribute.type === Pkcs12Oid.localKeyId && value instanceof asn1js.OctetString) {
      out.localKeyId = new Uint8Array(value.getValue())
    } else if (attribute.type === Pkcs12Oid.friendlyName && value instanceof asn1js.BmpString) {
      // Some producers (Kalkan among them) append NULs to the BMPString.
      const name = value.valueBlock.value.replace(/\0+$/, '')
      if (name) out.friendlyName = name
    }
  }
  return out
}

/**
 * Collects keys and certificates of `safe` into `sink`, descending into nested safeContents bags.
 * CRL, secret and unknown bag types are skipped.
 */
export async function collectBags(
  safe: pkijs.SafeContents,
  password: Pkcs12Password,
  crypto: Crypto,
  sink: Pkcs12Contents,
  depth = 0,
): Promise<void> {
  if (depth > MAX_SAFE_CONTENTS_NESTING) throw new QoltanbaError(ErrorCode.Malformed, 'PKCS#12 bags are nested too deeply')
  for (const bag of safe.safeBags) {
    if (sink.keys.length + sink.certificates.length >= MAX_BAGS) {
      throw new QoltanbaError(ErrorCode.TooLarge, `PKCS#12 file holds more than ${MAX_BAGS} bags`, { limit: MAX_BAGS })
    }
    const attributes = readAttributes(bag.bagAttributes)
    switch (bag.bagId) {
      case Pkcs12Oid.pkcs8ShroudedKeyBag: {
        const { pkcs8, info } = await openShroudedKey(bag.bagValue as pkijs.PKCS8ShroudedKeyBag, password, crypto)
        sink.keys.push({ pkcs8, algorithm: keyAlgorithm(info), ...attributes } satisfies Pkcs12Key)
        break
      }
      case Pkcs12Oid.keyBag: {
        const info = bag.bagValue as pkijs.PrivateKeyInfo
        const pkcs8 = new Uint8Array(info.toSchema().toBER(false))
        sink.keys.push({ pkcs8, algorithm: keyAlgorithm(info), ...attributes } satisfies Pkcs12Key)
        break
      }
      case Pkcs12Oid.certBag: {
        const certBag = bag.bagValue as pkijs.CertBag
        if (certBag.certId !== Pkcs12Oid.x509Certificate) break
        const der = octetStringBytes(certBag.certValue, 'certificate bag')
        sink.certificates.push({ der, ...attributes } satisfies Pkcs12Certificate)
        break
      }
      case Pkcs12Oid.safeContentsBag:
        await collectBags(bag.bagValue as pkijs.SafeContents, password, crypto, sink, depth + 1)
        break
      default:
        break
    }
  }
}
