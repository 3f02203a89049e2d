/**
 * Requests the agent serves, after the envelope was checked (agent/server.ts): NCALayer's
 * `basics.sign` (cms), and our `kz.qoltanba.pairing` and `kz.qoltanba.tokens` modules. Every
 * argument is validated here (agent/validate.ts); the PIN is read into a local and handed to
 * the token operation, never stored or logged.
 */
import { Buffer } from 'node:buffer'
import { ErrorCode, QoltanbaError } from '../src/core/errors.ts'
import { AgentModule, MAX_REQUEST_BYTES } from '../src/core/agent-protocol.ts'
import type { PairingStore } from './pairing.ts'
import type { ModuleConfig } from './pkcs11/session.ts'
import { isPkcs12StorageId, listPkcs12Files, listPkcs12Objects, signWithPkcs12 } from './pkcs12-store.ts'
import * as tokens from './tokens.ts'
import { HEX_ID, OID, PIN, STORAGE_ID, base64, boolean, object, oneOf, string, strings, type Json } from './validate.ts'

/** What a handler knows about the caller. */
export interface CallContext {
  readonly origin: string
  readonly modules: readonly ModuleConfig[]
  readonly pairing: PairingStore
  /** Agent data dir (PKCS#12 files live in its `p12/`). */
  readonly dataDir: string
}

/** Thrown for an unknown module: answered with NCALayer's `MODULE_NOT_FOUND` envelope. */
export class ModuleNotFound extends Error {}

const MAX_DOCUMENTS = 20
const SHA256_LENGTH = 32
const MAX_CERT_BYTES = 64 * 1024
const NAME = { max: 200 }

function notSupported(what: string): QoltanbaError {
  return new QoltanbaError(ErrorCode.NotSupported, `${what} is not supported by this agent`)
}

function requireApproved(ctx: CallContext): void {
  if (!ctx.pairing.isApproved(ctx.origin)) {
    throw new QoltanbaError(ErrorCode.OriginNotApproved, 'This site is not paired with the agent', { origin: ctx.origin.slice(0, 255) })
  }
}

/** Runs one request; returns the `body.result` value. */
export function handle(module: string, method: string, rawArgs: unknown, ctx: CallContext): unknown {
  switch (module) {
    case AgentModule.pairing:
      return pairing(method, rawArgs, ctx)
    case AgentModule.tokens:
      requireApproved(ctx)
      return tokenMethod(method, object(rawArgs ?? {}, 'args'), ctx)
    case AgentModule.basics:
      requireApproved(ctx)
      if (method !== 'sign') throw notSupported(`basics.${method.slice(0, 40)}`)
      return sign(object(rawArgs, 'args'), ctx)
    default:
      throw new ModuleNotFound(module)
  }
}

function pairing(method: string, rawArgs: unknown, ctx: CallContext): unknown {
  const status = () => ({ origin: ctx.origin, approved: ctx.pairing.isApproved(ctx.origin), pending: ctx.pairing.hasPending(ctx.origin) })
  switch (method) {
    case 'status':
      return status()
    case 'begin':
      return { origin: ctx.origin, ...ctx.pairing.begin(ctx.origin) }
    case 'confirm': {
      const code = string(object(rawArgs, 'args'), 'code', { max: 6, pattern: /^\d{6}$/ })
      ctx.pairing.confirm(ctx.origin, code)
      return status()
    }
    default:
      throw notSupported(`pairing.${method.slice(0, 40)}`)
  }
}

function tokenMethod(method: string, args: Json, ctx: CallContext): unknown {
  switch (method) {
    case 'listTokens':
      return { tokens: [...tokens.listTokens(ctx.modules), ...listPkcs12Files(ctx.dataDir)] }
    case 'listObjects': {
      const storageId = string(args, 'storageId', { max: 120, pattern: STORAGE_ID })
      const pin = string(args, 'pin', { max: 64, pattern: PIN, optional: true })
      return isPkcs12StorageId(storageId) ? listPkcs12Objects(ctx.dataDir, storageId, pin) : tokens.listObjects(ctx.modules, storageId, pin)
    }
    case 'generateKeyPair':
    case 'importCertificate':
    case 'deleteCertificate':
      if (typeof args.storageId === 'string' && isPkcs12StorageId(args.storageId)) throw notSupported(`${method} on a PKCS#12 file`)
      return tokenWrite(method, args, ctx)
    default:
      throw notSupported(`tokens.${method.slice(0, 40)}`)
  }
}

function tokenWrite(method: string, args: Json, ctx: CallContext): unknown {
  switch (method) {
    case 'generateKeyPair': {
      const subject = object(args.subject, 'subject')
      const field = (k: string): string | undefined => string(subject, k, { ...NAME, optional: true })
      return tokens.generateKeyPair(ctx.modules, {
        storageId: string(args, 'storageId', { max: 120, pattern: STORAGE_ID }),
        pin: string(args, 'pin', { max: 64, pattern: PIN }),
        algorithm: oneOf(args, 'algorithm', ['RSA-2048', 'P-256'] as const),
        subject: {
          commonName: field('commonName'),
          surname: field('surname'),
          givenName: field('givenName'),
          serialNumber: string(subject, 'serialNumber', { max: 64, pattern: /^[A-Za-z0-9 ]*$/, optional: true }),
          country: string(subject, 'country', { max: 2, pattern: /^[A-Z]{2}$/, optional: true }),
          organization: field('organization'),
          organizationalUnit: field('organizationalUnit'),
          email: string(subject, 'email', { max: 128, pattern: /^[\x21-\x7e]+@[\x21-\x7e]+$/, optional: true }),
        },
        keyUsage: strings(args, 'keyUsage', { maxItems: 5, max: 20, pattern: /^(digitalSignature|nonRepudiation|keyEncipherment|dataEncipherment|keyAgreement)$/ }),
        extKeyUsage: strings(args, 'extKeyUsage', { maxItems: 10, max: 100, pattern: OID }),
        email: string(args, 'email', { max: 128, pattern: /^[\x21-\x7e]+@[\x21-\x7e]+$/, optional: true }),
        label: string(args, 'label', { max: 64, pattern: /^[\x20-\x7e]*$/, optional: true }),
      })
    }
    case 'importCertificate':
      return tokens.importCertificate(ctx.modules, {
        storageId: string(args, 'storageId', { max: 120, pattern: STORAGE_ID }),
        pin: string(args, 'pin', { max: 64, pattern: PIN }),
        certificate: base64(args, 'certificate', MAX_CERT_BYTES),
        keyId: string(args, 'keyId', { max: 128, pattern: HEX_ID, optional: true }),
        label: string(args, 'label', { max: 64, pattern: /^[\x20-\x7e]*$/, optional: true }),
      })
    case 'deleteCertificate':
      tokens.deleteCertificate(
        ctx.modules,
        string(args, 'storageId', { max: 120, pattern: STORAGE_ID }),
        string(args, 'pin', { max: 64, pattern: PIN }),
        string(args, 'certificateId', { max: 40, pattern: /^c[0-9a-f]{16}$/ }),
      )
      return { deleted: true }
    default:
      throw notSupported(`tokens.${method.slice(0, 40)}`)
  }
}

/**
 * NCALayer's `basics.sign` (docs/protocols.md#signing-with-basics) for `format: "cms"`: `data` a string or an array,
 * `signingParams.decode` (base64 input), `encapsulate` (default true), `signerParams` filters;
 * plus our `storageId`, `certificateId`, `pin`. Returns an array of base64 CMS, as NCALayer 1.4.
 * Without `storageId` only tokens are searched (a PIN is not tried as every file's password).
 */
async function sign(args: Json, ctx: CallContext): Promise<string[]> {
  const format = string(args, 'format', { max: 10 })
  if (format !== 'cms') throw notSupported(`format ${format.slice(0, 10)}`)
  const signingParams = args.signingParams === undefined || args.signingParams === null ? {} : object(args.signingParams, 'signingParams')
  const signerParams = args.signerParams === undefined || args.signerParams === null ? {} : object(args.signerParams, 'signerParams')
  const decode = boolean(signingParams, 'decode', false)
  const detached = !boolean(signingParams, 'encapsulate', true)
  // Digested: each `data` item is the document's SHA-256 (base64), signed as a detached CMS whose
  // messageDigest it becomes — how a phone signs a hand-off's document it holds only the hash of.
  const digested = boolean(signingParams, 'digested', false)
  if (digested && (!detached || !decode)) throw new QoltanbaError(ErrorCode.Malformed, 'digested signing needs encapsulate false and decode true', { field: 'signingParams' })
  const rawData = args.data
  const list = Array.isArray(rawData) ? rawData : [rawData]
  if (list.length === 0 || list.length > MAX_DOCUMENTS) throw new QoltanbaError(ErrorCode.Malformed, `data must hold 1 to ${MAX_DOCUMENTS} documents`, { field: 'data' })
  const documents = list.map((d, i) => {
    const holder = { [`data[${i}]`]: d }
    const bytes = decode ? base64(holder, `data[${i}]`, MAX_REQUEST_BYTES) : new Uint8Array(Buffer.from(string(holder, `data[${i}]`, { max: MAX_REQUEST_BYTES }), 'utf8'))
    if (digested && bytes.length !== SHA256_LENGTH) throw new QoltanbaError(ErrorCode.Malformed, `data[${i}] is not a SHA-256 digest`, { field: `data[${i}]` })
    return bytes
  })
  const request = {
    pin: string(args, 'pin', { max: 64, pattern: PIN }),
    storageId: string(args, 'storageId', { max: 120, pattern: STORAGE_ID, optional: true }),
    certificateId: string(args, 'certificateId', { max: 40, pattern: /^c[0-9a-f]{16}$/, optional: true }),
    detached,
    signerParams: {
      extKeyUsageOids: strings(signerParams, 'extKeyUsageOids', { maxItems: 20, max: 100, pattern: OID }),
      iin: string(signerParams, 'iin', { max: 12, pattern: /^\d{12}$/, optional: true }),
      bin: string(signerParams, 'bin', { max: 12, pattern: /^\d{12}$/, optional: true }),
      serialNumber: string(signerParams, 'serialNumber', { max: 64, pattern: /^[0-9a-fA-F]+$/, optional: true }),
    },
  }
  const out: string[] = []
  for (const document of documents) {
    const content = digested ? { data: new Uint8Array(), messageDigest: document } : { data: document }
    let cms: Uint8Array | undefined
    if (request.storageId && isPkcs12StorageId(request.storageId)) {
      cms = await signWithPkcs12(ctx.dataDir, { ...request, storageId: request.storageId, ...content })
      if (!cms) throw new QoltanbaError(ErrorCode.NotFound, 'No certificate in the file matches the signing request')
    } else {
      cms = tokens.signCms(ctx.modules, { ...request, ...content })
    }
    out.push(Buffer.from(cms).toString('base64'))
  }
  return out
}
