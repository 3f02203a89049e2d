/**
 * Key pairs and certificates on a token: listing, public keys as SPKI, key generation, and
 * signing with a private key found by CKA_ID. A key pair and its certificate share CKA_ID, the
 * convention every PKCS#11 consumer (NSS, OpenSC, Fortify, NCALayer's Kalkan) follows.
 */
import { createHash, createPublicKey, randomBytes } from 'node:crypto'
import * as asn1js from 'asn1js'
import pkcs11js from 'pkcs11js'
import { ErrorCode, QoltanbaError } from '../../src/core/errors.ts'
import { AlgorithmOid } from '../../src/pki/oids.ts'
import type { RawCmsSigner } from '../../src/pki/raw-signer.ts'
import type { TokenContext } from './session.ts'

const P256_OID_DER = Buffer.from('06082a8648ce3d030107', 'hex')
const SHA256_DIGEST_INFO_PREFIX = Buffer.from('3031300d060960864801650304020105000420', 'hex')

/** A key pair on the token. */
export interface TokenKey {
  readonly id: string
  readonly label?: string
  readonly algorithm: 'RSA' | 'EC' | 'unknown'
  /** SPKI DER when the public key object is there. */
  readonly spki?: Uint8Array
  readonly hasPrivateKey: boolean
}

/** A certificate on the token. */
export interface TokenCertificate {
  /** Stable id: "c" + first 16 hex of SHA-256 of the DER. */
  readonly id: string
  readonly keyId?: string
  readonly label?: string
  readonly der: Uint8Array
  readonly handle: pkcs11js.Handle
}

/** Handles of objects matching `template`. */
function findObjects(ctx: TokenContext, template: pkcs11js.Template): pkcs11js.Handle[] {
  const { p11, session } = ctx
  p11.C_FindObjectsInit(session, template)
  try {
    const out: pkcs11js.Handle[] = []
    for (;;) {
      const batch = p11.C_FindObjects(session, 100)
      if (batch.length === 0) break
      out.push(...batch)
    }
    return out
  } finally {
    p11.C_FindObjectsFinal(session)
  }
}

function attr(ctx: TokenContext, handle: pkcs11js.Handle, type: number): Buffer | undefined {
  try {
    const [a] = ctx.p11.C_GetAttributeValue(ctx.session, handle, [{ type }])
    return Buffer.isBuffer(a?.value) ? a.value : undefined
  } catch {
    return undefined // attribute not present or sensitive
  }
}

function labelOf(ctx: TokenContext, handle: pkcs11js.Handle): string | undefined {
  return attr(ctx, handle, pkcs11js.CKA_LABEL)?.toString('utf8') || undefined
}

function keyType(ctx: TokenContext, handle: pkcs11js.Handle): 'RSA' | 'EC' | 'unknown' {
  const v = attr(ctx, handle, pkcs11js.CKA_KEY_TYPE)
  const t = v && v.length >= 4 ? v.readUInt32LE(0) : v?.[0]
  if (t === pkcs11js.CKK_RSA) return 'RSA'
  if (t === pkcs11js.CKK_EC) return 'EC'
  return 'unknown'
}

const b64url = (b: Buffer): string => b.toString('base64url')

/** SPKI DER of a public key object (RSA from modulus/exponent, EC P-256 from CKA_EC_POINT). */
function publicKeySpki(ctx: TokenContext, handle: pkcs11js.Handle): Uint8Array | undefined {
  const type = keyType(ctx, handle)
  if (type === 'RSA') {
    const n = attr(ctx, handle, pkcs11js.CKA_MODULUS)
    const e = attr(ctx, handle, pkcs11js.CKA_PUBLIC_EXPONENT)
    if (!n || !e) return undefined
    const key = createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' })
    return new Uint8Array(key.export({ type: 'spki', format: 'der' }))
  }
  if (type === 'EC') {
    const params = attr(ctx, handle, pkcs11js.CKA_EC_PARAMS)
    const pointAttr = attr(ctx, handle, pkcs11js.CKA_EC_POINT)
    if (!params || !pointAttr) return undefined
    // CKA_EC_POINT is DER OCTET STRING(point) on conforming tokens, the bare point on some others.
    let point: Uint8Array = new Uint8Array(pointAttr)
    if (point[0] === 0x04 && point.length !== 65) {
      const parsed = asn1js.fromBER(point)
      if (parsed.offset !== -1 && parsed.result instanceof asn1js.OctetString) point = parsed.result.valueBlock.valueHexView
    }
    const algorithm = new asn1js.Sequence({
      value: [new asn1js.ObjectIdentifier({ value: AlgorithmOid.ecPublicKey }), asn1js.fromBER(params).result],
    })
    const spki = new asn1js.Sequence({ value: [algorithm, new asn1js.BitString({ valueHex: point })] })
    return new Uint8Array(spki.toBER())
  }
  return undefined
}

/** Key pairs on the token: public key objects, plus private keys when logged in. */
export function listKeys(ctx: TokenContext): TokenKey[] {
  const byId = new Map<string, { label?: string; algorithm: TokenKey['algorithm']; spki?: Uint8Array; hasPrivateKey: boolean }>()
  for (const h of findObjects(ctx, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY }])) {
    const id = attr(ctx, h, pkcs11js.CKA_ID)?.toString('hex')
    if (!id) continue
    byId.set(id, { label: labelOf(ctx, h), algorithm: keyType(ctx, h), spki: publicKeySpki(ctx, h), hasPrivateKey: false })
  }
  for (const h of findObjects(ctx, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }])) {
    const id = attr(ctx, h, pkcs11js.CKA_ID)?.toString('hex')
    if (!id) continue
    const known = byId.get(id)
    if (known) known.hasPrivateKey = true
    else byId.set(id, { label: labelOf(ctx, h), algorithm: keyType(ctx, h), hasPrivateKey: true })
  }
  return [...byId].map(([id, k]) => ({ id, ...k }))
}

/** X.509 certificates on the token. */
export function listCertificates(ctx: TokenContext): TokenCertificate[] {
  return findObjects(ctx, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE }]).flatMap((h) => {
    const der = attr(ctx, h, pkcs11js.CKA_VALUE)
    if (!der) return []
    const keyId = attr(ctx, h, pkcs11js.CKA_ID)?.toString('hex') || undefined
    return [{ id: certificateId(der), keyId, label: labelOf(ctx, h), der: new Uint8Array(der), handle: h }]
  })
}

/** The id the agent gives a certificate. */
export function certificateId(der: Uint8Array): string {
  return 'c' + createHash('sha256').update(der).digest('hex').slice(0, 16)
}

/** Generates a key pair on the token with a fresh random CKA_ID; returns the id (hex) and SPKI. */
export function generateKeyPair(
  ctx: TokenContext,
  algorithm: 'RSA-2048' | 'P-256',
  label: string,
): { id: string; spki: Uint8Array } {
  const id = randomBytes(20)
  const common = [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_LABEL, value: label },
  ]
  const privateTemplate: pkcs11js.Template = [
    ...common,
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_SIGN, value: true },
  ]
  const publicTemplate: pkcs11js.Template = [...common, { type: pkcs11js.CKA_PRIVATE, value: false }, { type: pkcs11js.CKA_VERIFY, value: true }]
  let mechanism: pkcs11js.Mechanism
  if (algorithm === 'RSA-2048') {
    mechanism = { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN }
    publicTemplate.push(
      { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
      { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
    )
  } else {
    mechanism = { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN }
    publicTemplate.push({ type: pkcs11js.CKA_EC_PARAMS, value: P256_OID_DER })
  }
  const keys = ctx.p11.C_GenerateKeyPair(ctx.session, mechanism, publicTemplate, privateTemplate)
  const spki = publicKeySpki(ctx, keys.publicKey)
  if (!spki) throw new QoltanbaError(ErrorCode.Internal, 'The token did not return the new public key')
  return { id: id.toString('hex'), spki }
}

/** The private key with CKA_ID `keyId` (needs a logged-in session). */
export function findPrivateKey(ctx: TokenContext, keyId: string): { handle: pkcs11js.Handle; algorithm: 'RSA' | 'EC' } {
  const [handle] = findObjects(ctx, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_ID, value: Buffer.from(keyId, 'hex') },
  ])
  if (!handle) throw new QoltanbaError(ErrorCode.NotFound, 'No private key with this id on the token')
  const algorithm = keyType(ctx, handle)
  if (algorithm === 'unknown') throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, 'The key is neither RSA nor EC')
  return { handle, algorithm }
}

/**
 * Signs `data` with SHA-256 on the token. RSA: CKM_RSA_PKCS over DigestInfo (more tokens have it
 * than CKM_SHA256_RSA_PKCS). EC: CKM_ECDSA over the digest (SoftHSM 2.6 has no CKM_ECDSA_SHA256),
 * returned DER-encoded (ECDSA-Sig-Value) as X.509 and CMS want it.
 */
function signSha256(ctx: TokenContext, key: { handle: pkcs11js.Handle; algorithm: 'RSA' | 'EC' }, data: Uint8Array): Uint8Array {
  const digest = createHash('sha256').update(data).digest()
  if (key.algorithm === 'RSA') {
    ctx.p11.C_SignInit(ctx.session, { mechanism: pkcs11js.CKM_RSA_PKCS }, key.handle)
    return new Uint8Array(ctx.p11.C_Sign(ctx.session, Buffer.concat([SHA256_DIGEST_INFO_PREFIX, digest]), Buffer.alloc(1024)))
  }
  ctx.p11.C_SignInit(ctx.session, { mechanism: pkcs11js.CKM_ECDSA }, key.handle)
  const raw = ctx.p11.C_Sign(ctx.session, digest, Buffer.alloc(256))
  return ecdsaRawToDer(new Uint8Array(raw))
}

/**
 * pki's raw-signature seam over a key on the token: pki's CSR and CMS builders encode the bytes,
 * the token signs them (SHA-256, the hash signSha256 applies), node:crypto hashes the content.
 */
export function tokenSigner(ctx: TokenContext, key: { handle: pkcs11js.Handle; algorithm: 'RSA' | 'EC' }): RawCmsSigner {
  return {
    keyAlgorithm: key.algorithm,
    hash: 'SHA-256',
    sign: (data) => signSha256(ctx, key, data),
    digest: (hash, data) => new Uint8Array(createHash(hash.replace('-', '').toLowerCase()).update(data).digest()),
  }
}

/** r‖s (IEEE P1363) → DER SEQUENCE { INTEGER r, INTEGER s }. */
function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2
  const int = (b: Uint8Array): asn1js.Integer => {
    let i = 0
    while (i < b.length - 1 && b[i] === 0) i++
    let v = b.subarray(i)
    if ((v[0] as number) & 0x80) v = Uint8Array.from([0, ...v])
    return new asn1js.Integer({ valueHex: v })
  }
  return new Uint8Array(new asn1js.Sequence({ value: [int(raw.subarray(0, half)), int(raw.subarray(half))] }).toBER())
}

/** Stores an X.509 certificate with CKA_ID `keyId` next to its key pair. */
export function storeCertificate(
  ctx: TokenContext,
  cert: { der: Uint8Array; subject: Uint8Array; issuer: Uint8Array; serialNumber: Uint8Array },
  keyId: string,
  label: string,
): void {
  ctx.p11.C_CreateObject(ctx.session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
    { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: false },
    { type: pkcs11js.CKA_ID, value: Buffer.from(keyId, 'hex') },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(cert.subject) },
    { type: pkcs11js.CKA_ISSUER, value: Buffer.from(cert.issuer) },
    { type: pkcs11js.CKA_SERIAL_NUMBER, value: Buffer.from(cert.serialNumber) },
    { type: pkcs11js.CKA_VALUE, value: Buffer.from(cert.der) },
  ])
}
