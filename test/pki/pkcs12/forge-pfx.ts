/**
 * Test helpers that take PKCS#12 files apart and put them back together (with a fresh, valid MAC)
 * to build hostile or odd inputs that no tool writes.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { makePkcs12Mac } from '../../../src/pki/pkcs12/mac.ts'

const DATA = '1.2.840.113549.1.7.1'

/** The authenticated-safe octets of a PFX (what the MAC covers). */
export function authSafeOf(p12: Uint8Array): Uint8Array {
  const pfx = pkijs.PFX.fromBER(new Uint8Array(p12))
  return new Uint8Array((pfx.authSafe.content as asn1js.OctetString).getValue())
}

/** A PFX around `authSafe` with the given MacData (or a valid HMAC-SHA1 MAC under `password`). */
export async function buildPfx(
  authSafe: Uint8Array,
  mac: { password: string; iterations?: number } | asn1js.Sequence,
  version = 3,
): Promise<Uint8Array> {
  const macData = mac instanceof asn1js.Sequence ? mac : await makePkcs12Mac(authSafe, mac.password, 'SHA-1', mac.iterations ?? 2048, 8, crypto)
  const contentInfo = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: DATA }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.OctetString({ valueHex: authSafe })] }),
    ],
  })
  return new Uint8Array(new asn1js.Sequence({ value: [new asn1js.Integer({ value: version }), contentInfo, macData] }).toBER(false))
}

/** A MacData SEQUENCE with arbitrary fields (for unsupported MAC algorithms and hostile counts). */
export function rawMacData(digestOid: string, digest: Uint8Array, salt: Uint8Array, iterations: number): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: digestOid }), new asn1js.Null()] }), new asn1js.OctetString({ valueHex: digest })],
      }),
      new asn1js.OctetString({ valueHex: salt }),
      new asn1js.Integer({ value: iterations }),
    ],
  })
}

/** Replaces the first occurrence of `search` in `bytes` (throws when absent: the test would be vacuous). */
export function replaceBytes(bytes: Uint8Array, search: Uint8Array, replacement: Uint8Array): Uint8Array {
  const at = Buffer.from(bytes).indexOf(Buffer.from(search))
  if (at < 0) throw new Error('pattern not found')
  const out = new Uint8Array(bytes)
  out.set(replacement, at)
  return out
}

/** Flips one bit of the byte at the middle of the first occurrence of `slice` in `bytes`. */
export function flipInside(bytes: Uint8Array, slice: Uint8Array): Uint8Array {
  const at = Buffer.from(bytes).indexOf(Buffer.from(slice))
  if (at < 0) throw new Error('slice not found')
  const out = new Uint8Array(bytes)
  const index = at + (slice.length >> 1)
  out[index] = (out[index] as number) ^ 0x01
  return out
}

/** Pieces of a PFX whose bytes a test may tamper with. */
export function piecesOf(p12: Uint8Array): { macDigest: Uint8Array; keyCiphertext: Uint8Array; certCiphertext: Uint8Array } {
  const pfx = pkijs.PFX.fromBER(new Uint8Array(p12))
  const safes = pkijs.AuthenticatedSafe.fromBER(new Uint8Array(authSafeOf(p12))).safeContents
  let keyCiphertext: Uint8Array | undefined
  let certCiphertext: Uint8Array | undefined
  for (const safe of safes) {
    if (safe.contentType === DATA) {
      const contents = pkijs.SafeContents.fromBER((safe.content as asn1js.OctetString).getValue())
      const bag = contents.safeBags[0]!.bagValue as pkijs.PKCS8ShroudedKeyBag
      keyCiphertext = new Uint8Array(bag.encryptedData.valueBlock.valueHexView)
    } else {
      const encrypted = new pkijs.EncryptedData({ schema: safe.content })
      certCiphertext = new Uint8Array(encrypted.encryptedContentInfo.getEncryptedContent())
    }
  }
  return {
    macDigest: new Uint8Array(pfx.macData!.mac.digest.valueBlock.valueHexView),
    // A 16-byte window from inside each ciphertext: unique in the file, so it can be found again.
    keyCiphertext: keyCiphertext!.subarray(64, 80),
    certCiphertext: certCiphertext!.subarray(64, 80),
  }
}

/** An authenticated safe with one Data safe holding one pkcs8ShroudedKeyBag (algorithm as given). */
export function authSafeWithKeyBag(algorithm: asn1js.Sequence, ciphertext: Uint8Array): Uint8Array {
  const explicit0 = (inner: asn1js.AsnType) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [inner] })
  const encryptedPrivateKeyInfo = new asn1js.Sequence({ value: [algorithm, new asn1js.OctetString({ valueHex: ciphertext })] })
  const bag = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.12.10.1.2' }), explicit0(encryptedPrivateKeyInfo)] })
  const safeContents = new asn1js.Sequence({ value: [bag] }).toBER(false)
  const data = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: DATA }), explicit0(new asn1js.OctetString({ valueHex: safeContents }))] })
  return new Uint8Array(new asn1js.Sequence({ value: [data] }).toBER(false))
}
