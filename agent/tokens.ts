/**
 * Token operations behind the agent's protocol: list tokens and their objects, generate a key
 * pair and CSR, import and delete certificates, sign CMS. Each call opens the token for that
 * operation only (agent/pkcs11/session.ts); the PIN is passed through and not kept.
 */
import { Buffer } from 'node:buffer'
import { ErrorCode, QoltanbaError } from '../src/core/errors.ts'
import type {
  GenerateKeyPairArgs,
  GenerateKeyPairResult,
  ImportCertificateResult,
  ListObjectsResult,
  WireToken,
} from '../src/core/agent-protocol.ts'
import { signCmsRaw } from '../src/pki/cms.ts'
import { createCsrRaw } from '../src/pki/csr.ts'
import type { KeyUsageName } from '../src/pki/extensions.ts'
import { matchesSignerParams, parseCertificate, type SignerParams } from './certificate.ts'
import {
  certificateId as idOfCertificate,
  findPrivateKey,
  generateKeyPair as generateOnToken,
  listCertificates,
  listKeys,
  storeCertificate,
  tokenSigner,
  type TokenCertificate,
} from './pkcs11/objects.ts'
import {
  listModuleTokens,
  parseTokenStorageId,
  pinFacts,
  tokenStorageId,
  withToken,
  type ModuleConfig,
  type TokenContext,
} from './pkcs11/session.ts'

const DEFAULT_KEY_USAGE: readonly KeyUsageName[] = ['digitalSignature', 'nonRepudiation']

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64')
const trim = (s: string): string => s.replace(/[\s\0]+$/, '')

function resolve(modules: readonly ModuleConfig[], storageId: string): { module: ModuleConfig; serial: string } {
  const parsed = parseTokenStorageId(storageId)
  const module = parsed && modules.find((m) => m.name === parsed.module)
  if (!parsed || !module) throw new QoltanbaError(ErrorCode.TokenMissing, 'No such token', { storageId: storageId.slice(0, 80) })
  return { module, serial: parsed.serial }
}

/** Tokens present in all configured modules. */
export function listTokens(modules: readonly ModuleConfig[]): WireToken[] {
  return modules.flatMap((module) =>
    listModuleTokens(module).map(({ info, serial }) => {
      const facts = pinFacts(info.flags)
      return {
        id: tokenStorageId(module.name, serial),
        type: 'token' as const,
        label: trim(info.label),
        model: trim(info.model),
        manufacturer: trim(info.manufacturerID),
        serialNumber: serial,
        module: module.name,
        pinCountLow: facts.pinCountLow === true,
        pinFinalTry: facts.attemptsLeft === 1,
        pinLocked: facts.pinLocked === true,
      }
    }),
  )
}

/** Keys and certificates on one token (private-only keys appear when a PIN is given). */
export function listObjects(modules: readonly ModuleConfig[], storageId: string, pin?: string): ListObjectsResult {
  const { module, serial } = resolve(modules, storageId)
  return withToken(module, serial, { pin }, (ctx) => ({
    keys: listKeys(ctx).map((k) => ({
      id: k.id,
      label: k.label,
      algorithm: k.algorithm,
      publicKey: k.spki ? b64(k.spki) : undefined,
    })),
    certificates: listCertificates(ctx).map((c) => ({ id: c.id, keyId: c.keyId, label: c.label, der: b64(c.der) })),
  }))
}

/** A new key pair on the token and a CSR signed by it. */
export function generateKeyPair(modules: readonly ModuleConfig[], args: GenerateKeyPairArgs): GenerateKeyPairResult {
  const { module, serial } = resolve(modules, args.storageId)
  return withToken(module, serial, { pin: args.pin, readWrite: true }, (ctx) => {
    const label = args.label || `qoltanba-${new Date().toISOString().slice(0, 10)}`
    const { id, spki } = generateOnToken(ctx, args.algorithm, label)
    const key = findPrivateKey(ctx, id)
    const csr = createCsrRaw(
      {
        subject: args.subject,
        spki,
        // handlers.ts lets through only the five end-entity key usages; none asked is a signing key.
        keyUsage: (args.keyUsage?.length ? args.keyUsage : DEFAULT_KEY_USAGE) as KeyUsageName[],
        extKeyUsage: args.extKeyUsage,
        email: args.email,
      },
      tokenSigner(ctx, key),
    )
    return { keyId: id, csr: b64(csr), publicKey: b64(spki) }
  })
}

/** Stores `certificateDer` next to its key (by `keyId`, or found by public key). */
export function importCertificate(
  modules: readonly ModuleConfig[],
  args: { storageId: string; pin: string; certificate: Uint8Array; keyId?: string; label?: string },
): ImportCertificateResult {
  const facts = parseCertificate(args.certificate)
  const { module, serial } = resolve(modules, args.storageId)
  return withToken(module, serial, { pin: args.pin, readWrite: true }, (ctx) => {
    const spkiHex = Buffer.from(facts.spki).toString('hex')
    const keys = listKeys(ctx)
    const key = args.keyId ? keys.find((k) => k.id === args.keyId) : keys.find((k) => k.spki && Buffer.from(k.spki).toString('hex') === spkiHex)
    if (!key) throw new QoltanbaError(ErrorCode.KeyMismatch, 'No key on the token matches this certificate')
    if (key.spki && Buffer.from(key.spki).toString('hex') !== spkiHex) {
      throw new QoltanbaError(ErrorCode.KeyMismatch, 'The certificate does not belong to this key')
    }
    const id = idOfCertificate(args.certificate)
    if (!listCertificates(ctx).some((c) => c.id === id)) {
      storeCertificate(ctx, { der: args.certificate, subject: facts.subject, issuer: facts.issuer, serialNumber: facts.serialNumber }, key.id, args.label || key.label || 'certificate')
    }
    return { certificateId: id, keyId: key.id }
  })
}

/** Removes one certificate (the key stays). */
export function deleteCertificate(modules: readonly ModuleConfig[], storageId: string, pin: string, certificateId: string): void {
  const { module, serial } = resolve(modules, storageId)
  withToken(module, serial, { pin, readWrite: true }, (ctx) => {
    const cert = listCertificates(ctx).find((c) => c.id === certificateId)
    if (!cert) throw new QoltanbaError(ErrorCode.NotFound, 'No such certificate on the token')
    ctx.p11.C_DestroyObject(ctx.session, cert.handle)
  })
}

/** What `basics.sign` asks of a token. */
export interface TokenSignRequest {
  readonly data: Uint8Array
  /** The document's SHA-256 for a detached signature made without the document (`data` is then empty). */
  readonly messageDigest?: Uint8Array
  readonly detached: boolean
  readonly pin: string
  readonly storageId?: string
  readonly certificateId?: string
  readonly signerParams: SignerParams
}

/**
 * CMS with the chosen certificate's key: `certificateId` when given, else the first certificate
 * (in token order) that has a key and passes `signerParams`. Several matches without a choice
 * take the first; the PWA always sends `certificateId`.
 */
export function signCms(modules: readonly ModuleConfig[], request: TokenSignRequest): Uint8Array {
  const choose = (ctx: TokenContext): TokenCertificate | undefined =>
    listCertificates(ctx)
      .filter((c) => c.keyId && (!request.certificateId || c.id === request.certificateId))
      .find((c) => matchesSignerParams(parseCertificate(c.der), request.signerParams))
  const sign = (ctx: TokenContext, chosen: TokenCertificate): Uint8Array => {
    const key = findPrivateKey(ctx, chosen.keyId as string)
    const digest = request.messageDigest ? { messageDigest: request.messageDigest } : {}
    return signCmsRaw({ data: request.data, detached: request.detached, certificate: chosen.der, ...digest }, tokenSigner(ctx, key))
  }
  const notFound = (): QoltanbaError => new QoltanbaError(ErrorCode.NotFound, 'No certificate on the token matches the signing request')
  if (request.storageId) {
    // One token named: one session, logged in, for both the choice and the signature.
    const { module, serial } = resolve(modules, request.storageId)
    return withToken(module, serial, { pin: request.pin }, (ctx) => {
      const chosen = choose(ctx)
      if (!chosen) throw notFound()
      return sign(ctx, chosen)
    })
  }
  // Otherwise look without logging in, and log in (spend a PIN attempt) only where a match is.
  const storageIds = listTokens(modules).map((t) => t.id)
  if (storageIds.length === 0) throw new QoltanbaError(ErrorCode.TokenMissing, 'No token is present')
  for (const storageId of storageIds) {
    const { module, serial } = resolve(modules, storageId)
    const chosen = withToken(module, serial, {}, choose)
    if (chosen) return withToken(module, serial, { pin: request.pin }, (ctx) => sign(ctx, chosen))
  }
  throw notFound()
}
