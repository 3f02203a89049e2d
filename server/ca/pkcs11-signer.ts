/**
 * CA keys inside a PKCS#11 token (an HSM in production, SoftHSM2 in tests), through pkcs11js.
 *
 * Keys are generated on the token as non-extractable, sensitive objects, found again by label,
 * and used with synchronous C_Sign. SoftHSM2 2.6 has no CKM_ECDSA_SHA256, so EC keys sign a
 * SHA-256 digest with raw CKM_ECDSA and we re-encode r‖s as an Ecdsa-Sig-Value
 * (docs/protocols.md#pkcs11-and-softhsm2).
 */
import { createHash, createPublicKey } from 'node:crypto'
import pkcs11js from 'pkcs11js'
import { readTlv } from '../../src/pki/der-reader.ts'
import { bitString, oid, seq, uintBytes } from './der.ts'
import { signatureAlgorithmFor, type CaKeyAlgorithm, type CaSigner } from './signer.ts'
import { AlgorithmOid } from '../../src/pki/oids.ts'

/** Where the token is and how to log in. */
export interface Pkcs11Settings {
  /** Path of the PKCS#11 module (.so). */
  readonly module: string
  /** User PIN. Never logged. */
  readonly pin: string
  /** Token label to use; when absent, `slot` (an index into the slot list) or the first token. */
  readonly tokenLabel?: string | undefined
  readonly slot?: number | undefined
}

interface Opened {
  readonly p11: pkcs11js.PKCS11
  readonly session: pkcs11js.Handle
}

/** Loaded modules, one per path: C_Initialize may run once per process. */
const modules = new Map<string, { p11: pkcs11js.PKCS11; users: number }>()

function open(settings: Pkcs11Settings): Opened {
  let entry = modules.get(settings.module)
  if (!entry) {
    const p11 = new pkcs11js.PKCS11()
    p11.load(settings.module)
    p11.C_Initialize()
    entry = { p11, users: 0 }
    modules.set(settings.module, entry)
  }
  const { p11 } = entry
  const slots = p11.C_GetSlotList(true)
  let slot: pkcs11js.Handle | undefined
  if (settings.tokenLabel !== undefined) {
    slot = slots.find((s) => p11.C_GetTokenInfo(s).label.trim() === settings.tokenLabel)
    if (!slot) throw new Error(`PKCS#11: no token labelled "${settings.tokenLabel}"`)
  } else {
    // PKCS11_SLOT is an index into the slot list or a slot id (SoftHSM renumbers ids, e.g. 1791711081).
    const want = settings.slot ?? 0
    slot = want < slots.length ? slots[want] : slots.find((s) => (s.length >= 8 ? Number(s.readBigUInt64LE(0)) : s.readUInt32LE(0)) === want)
    if (!slot) throw new Error(`PKCS#11: no token in slot ${want}`)
  }
  const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION)
  try {
    p11.C_Login(session, pkcs11js.CKU_USER, settings.pin)
  } catch (e) {
    if (!(e instanceof Error && /CKR_USER_ALREADY_LOGGED_IN/.test(e.message))) {
      p11.C_CloseSession(session)
      throw e
    }
  }
  entry.users++
  return { p11, session }
}

function release(settings: Pkcs11Settings, o: Opened): void {
  try {
    o.p11.C_CloseSession(o.session)
  } catch {
    // already closed
  }
  const entry = modules.get(settings.module)
  if (entry && --entry.users === 0) {
    try {
      entry.p11.C_Finalize()
    } finally {
      modules.delete(settings.module)
    }
  }
}

function findOne(o: Opened, cls: number, label: string): pkcs11js.Handle | undefined {
  o.p11.C_FindObjectsInit(o.session, [
    { type: pkcs11js.CKA_CLASS, value: cls },
    { type: pkcs11js.CKA_LABEL, value: label },
  ])
  try {
    return o.p11.C_FindObjects(o.session, 1)[0]
  } finally {
    o.p11.C_FindObjectsFinal(o.session)
  }
}


/** Builds the SPKI DER of a token public key from its attributes. */
function publicSpki(o: Opened, pub: pkcs11js.Handle): { spki: Buffer; keyType: 'RSA' | 'EC' } {
  const [kt] = o.p11.C_GetAttributeValue(o.session, pub, [{ type: pkcs11js.CKA_KEY_TYPE }])
  const keyType = (kt?.value as Buffer).readUInt32LE(0) // CK_ULONG, little-endian on x86/ARM
  if (keyType === pkcs11js.CKK_RSA) {
    const [m, e] = o.p11.C_GetAttributeValue(o.session, pub, [{ type: pkcs11js.CKA_MODULUS }, { type: pkcs11js.CKA_PUBLIC_EXPONENT }])
    const key = createPublicKey({
      key: { kty: 'RSA', n: (m?.value as Buffer).toString('base64url'), e: (e?.value as Buffer).toString('base64url') },
      format: 'jwk',
    })
    return { spki: key.export({ type: 'spki', format: 'der' }), keyType: 'RSA' }
  }
  if (keyType === pkcs11js.CKK_EC) {
    const [point, params] = o.p11.C_GetAttributeValue(o.session, pub, [{ type: pkcs11js.CKA_EC_POINT }, { type: pkcs11js.CKA_EC_PARAMS }])
    const raw = point?.value as Buffer
    // CKA_EC_POINT is a DER OCTET STRING around the point (some modules give the bare point).
    // A bare uncompressed point has odd length 2n+1; the wrapped one is 04 <len> <point>.
    const t = raw[0] === 0x04 && raw.length === (raw[1] as number) + 2 && (raw[2] === 0x04 || raw[2] === 0x02 || raw[2] === 0x03) ? readTlv(raw, 0) : undefined
    const q = t ? raw.subarray(t.valueStart, t.end) : raw
    const spki = seq(seq(oid(AlgorithmOid.ecPublicKey), params?.value as Buffer), bitString(q))
    return { spki, keyType: 'EC' }
  }
  throw new Error(`PKCS#11: unsupported key type ${keyType}`)
}

/** Generates a non-extractable key pair labelled `label` on the token. */
export function generateTokenKey(settings: Pkcs11Settings, label: string, algorithm: CaKeyAlgorithm): void {
  const o = open(settings)
  try {
    if (findOne(o, pkcs11js.CKO_PRIVATE_KEY, label)) throw new Error(`PKCS#11: a key labelled "${label}" already exists on the token`)
    const id = createHash('sha1').update(label).digest()
    const common = [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_LABEL, value: label },
      { type: pkcs11js.CKA_ID, value: id },
    ]
    const priv = [...common, { type: pkcs11js.CKA_PRIVATE, value: true }, { type: pkcs11js.CKA_SENSITIVE, value: true }, { type: pkcs11js.CKA_EXTRACTABLE, value: false }, { type: pkcs11js.CKA_SIGN, value: true }]
    if (algorithm === 'RSA-3072') {
      o.p11.C_GenerateKeyPair(
        o.session,
        { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
        [...common, { type: pkcs11js.CKA_VERIFY, value: true }, { type: pkcs11js.CKA_MODULUS_BITS, value: 3072 }, { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) }],
        priv,
      )
    } else {
      o.p11.C_GenerateKeyPair(
        o.session,
        { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
        [...common, { type: pkcs11js.CKA_VERIFY, value: true }, { type: pkcs11js.CKA_EC_PARAMS, value: oid(AlgorithmOid.p256) }],
        priv,
      )
    }
  } finally {
    release(settings, o)
  }
}

/** Converts a PKCS#11 raw r‖s ECDSA signature to DER Ecdsa-Sig-Value. */
function rawEcdsaToDer(raw: Buffer): Buffer {
  const half = raw.length / 2
  return seq(uintBytes(raw.subarray(0, half)), uintBytes(raw.subarray(half)))
}

/** A signer over the token key labelled `label`; keep it open for the life of the CA. */
export function pkcs11Signer(settings: Pkcs11Settings, label: string): CaSigner {
  const o = open(settings)
  try {
    const priv = findOne(o, pkcs11js.CKO_PRIVATE_KEY, label)
    const pub = findOne(o, pkcs11js.CKO_PUBLIC_KEY, label)
    if (!priv || !pub) throw new Error(`PKCS#11: no key pair labelled "${label}" on the token`)
    const { spki, keyType } = publicSpki(o, pub)
    const out = Buffer.alloc(1024)
    let closed = false
    return {
      keyType,
      spki,
      signatureAlgorithm: signatureAlgorithmFor(keyType),
      sign(data: Buffer): Buffer {
        if (keyType === 'RSA') {
          o.p11.C_SignInit(o.session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, priv)
          return Buffer.from(o.p11.C_Sign(o.session, data, out))
        }
        o.p11.C_SignInit(o.session, { mechanism: pkcs11js.CKM_ECDSA }, priv)
        return rawEcdsaToDer(Buffer.from(o.p11.C_Sign(o.session, createHash('sha256').update(data).digest(), out)))
      },
      signAsync(data: Buffer): Promise<Buffer> {
        // One session, synchronous calls: token signing stays on this thread, in order.
        try {
          return Promise.resolve(this.sign(data))
        } catch (e) {
          return Promise.reject(e)
        }
      },
      close(): void {
        if (closed) return
        closed = true
        release(settings, o)
      },
    }
  } catch (e) {
    release(settings, o)
    throw e
  }
}
