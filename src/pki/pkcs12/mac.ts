/**
 * The password MAC that guards a PKCS#12 file (RFC 7292 §5.1 + Appendix B: HMAC keyed with the
 * PKCS#12 KDF, ID 3). Checked before anything is decrypted, so a wrong password is told apart
 * early and nothing from an unauthenticated file is returned.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { ErrorCode, QoltanbaError } from '../../core/errors.ts'
import { AlgorithmOid, Pkcs12Oid } from '../oids.ts'
import { bufferSource } from './bytes.ts'
import { KdfPurpose, pkcs12Kdf, type Pkcs12KdfHash, type Pkcs12Password } from './kdf.ts'
import { MAX_PKCS12_KDF_ITERATIONS } from './limits.ts'
import { readIterations } from './pbe.ts'

const MAC_HASHES: Readonly<Record<string, { readonly name: Pkcs12KdfHash; readonly length: number }>> = {
  [AlgorithmOid.sha1]: { name: 'SHA-1', length: 20 },
  [AlgorithmOid.sha256]: { name: 'SHA-256', length: 32 },
  [AlgorithmOid.sha384]: { name: 'SHA-384', length: 48 },
  [AlgorithmOid.sha512]: { name: 'SHA-512', length: 64 },
}

const HASH_OIDS: Readonly<Record<Pkcs12KdfHash, string>> = {
  'SHA-1': AlgorithmOid.sha1,
  'SHA-256': AlgorithmOid.sha256,
  'SHA-384': AlgorithmOid.sha384,
  'SHA-512': AlgorithmOid.sha512,
}

async function hmacKey(hash: Pkcs12KdfHash, keyBytes: Uint8Array, usage: 'sign' | 'verify', crypto: Crypto): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', bufferSource(keyBytes), { name: 'HMAC', hash }, false, [usage])
}

/**
 * True when `macData` matches `content` (the authenticated-safe octets) under `password`.
 *
 * @throws QoltanbaError ERR_UNSUPPORTED_ALGORITHM for PBMAC1 or unknown MAC hashes and for
 *   iteration counts above the cap; ERR_MALFORMED for a broken MacData.
 */
export async function verifyPkcs12Mac(
  macDataNode: asn1js.AsnType,
  content: Uint8Array,
  password: Pkcs12Password,
  crypto: Crypto,
): Promise<boolean> {
  let macData: pkijs.MacData
  try {
    macData = new pkijs.MacData({ schema: macDataNode })
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, 'PKCS#12 MAC is malformed', {}, { cause: e })
  }
  const oid = macData.mac.digestAlgorithm.algorithmId
  const hash = MAC_HASHES[oid]
  if (!hash) {
    const mac = oid === Pkcs12Oid.pbmac1 ? 'PBMAC1' : oid
    throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `Unsupported PKCS#12 MAC: ${mac}`, { oid, mac })
  }
  // RFC 7292: iterations DEFAULT 1. Read the INTEGER itself: asn1js 4's valueDec (pkijs's
  // `iterations`) is 0 for 4-byte values (≥ 2^23).
  const iterationsNode = macDataNode instanceof asn1js.Sequence ? macDataNode.valueBlock.value[2] : undefined
  const iterations = iterationsNode ? readIterations(iterationsNode, MAX_PKCS12_KDF_ITERATIONS) : 1
  const salt = new Uint8Array(macData.macSalt.valueBlock.valueHexView)
  const expected = new Uint8Array(macData.mac.digest.valueBlock.valueHexView)
  const keyBytes = pkcs12Kdf(hash.name, password, salt, KdfPurpose.mac, iterations, hash.length)
  const key = await hmacKey(hash.name, keyBytes, 'verify', crypto)
  // subtle.verify compares in constant time and returns false for a digest of the wrong length.
  return crypto.subtle.verify('HMAC', key, bufferSource(expected), bufferSource(content))
}

/** Builds the MacData SEQUENCE for `content` (HMAC with the PKCS#12 KDF, `saltLength`-byte salt). */
export async function makePkcs12Mac(
  content: Uint8Array,
  password: string,
  hash: Pkcs12KdfHash,
  iterations: number,
  saltLength: number,
  crypto: Crypto,
): Promise<asn1js.Sequence> {
  const salt = crypto.getRandomValues(new Uint8Array(saltLength))
  const length = MAC_HASHES[HASH_OIDS[hash]]?.length ?? 20
  const keyBytes = pkcs12Kdf(hash, password, salt, KdfPurpose.mac, iterations, length)
  const key = await hmacKey(hash, keyBytes, 'sign', crypto)
  const digest = new Uint8Array(await crypto.subtle.sign('HMAC', key, bufferSource(content)))
  const digestInfo = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: HASH_OIDS[hash] }), new asn1js.Null()] }),
      new asn1js.OctetString({ valueHex: digest }),
    ],
  })
  return new asn1js.Sequence({
    value: [digestInfo, new asn1js.OctetString({ valueHex: salt }), new asn1js.Integer({ value: iterations })],
  })
}
