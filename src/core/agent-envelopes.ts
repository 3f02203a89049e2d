/**
 * The three NCALayer response envelopes, turned into a value or a typed error
 * (docs/protocols.md#reply-envelopes, in its order):
 * 1. `status` present → `kz.gov.pki.knca.basics` (CommonInvoker): `{status, body:{result}, code, message, details}`;
 *    `status:true` without `body.result` is the user cancelling.
 * 2. `code` present → `kz.gov.pki.knca.commonUtils`: `{code:"200"|"500", message, responseObject}`;
 *    `message:"action.canceled"` is the user cancelling.
 * 3. `success` present (also with `code`, as CommonInvoker's COMMON_JSON_WRAPPING_EXCEPTION) → generic bundle: `{success, body:{result}}` / `{success:false, errorCode}`
 *    (`MODULE_NOT_FOUND` when the module is not installed).
 * Our agent uses envelope 1 and puts an `ERR_*` code and `data` (e.g. `attemptsLeft`) in failures.
 */
import { ErrorCode, QoltanbaError, isErrorCode } from './errors.ts'
import { fromBase64Text, toBase64 } from './bytes.ts'
import type { SignCmsRequest, SignCmsResult } from './signer.ts'

/** Module names on NCALayer's socket. */
export const NcaModule = {
  basics: 'kz.gov.pki.knca.basics',
  commonUtils: 'kz.gov.pki.knca.commonUtils',
} as const

/** commonUtils messages that mean something specific (docs/protocols.md#legacy-commonutils). */
const commonUtilsMessages: Readonly<Partial<Record<string, ErrorCode>>> = {
  'action.canceled': ErrorCode.UserCancelled,
  'storage.empty': ErrorCode.TokenMissing,
  'storage.unknown': ErrorCode.TokenMissing,
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

/** Safe facts from `data` (numbers, booleans, short strings) for QoltanbaError details. */
function safeDetails(data: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {}
  if (!isRecord(data)) return out
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v
    else if (typeof v === 'string' && v.length <= 200) out[k] = v
  }
  return out
}

function cancelled(): QoltanbaError {
  return new QoltanbaError(ErrorCode.UserCancelled, 'The user cancelled in the agent')
}

/**
 * Returns the result carried by `reply`, or throws: ERR_USER_CANCELLED for a cancel, the agent's
 * own `ERR_*` code when it sends one (our agent), ERR_NOT_SUPPORTED for `MODULE_NOT_FOUND`,
 * ERR_AGENT_PROTOCOL (with `details.agentCode`) for other failures and unknown shapes.
 */
export function unwrapReply(reply: Record<string, unknown>): unknown {
  if ('status' in reply) {
    if (reply.status === true) {
      const body = reply.body
      if (!isRecord(body) || body.result === undefined || body.result === null) throw cancelled()
      return body.result
    }
    throw failure(str(reply.code), str(reply.message), reply.data, str(reply.details))
  }
  if ('code' in reply && !('success' in reply)) {
    const code = String(reply.code)
    if (code === '200') return reply.responseObject
    const message = str(reply.message)
    const mapped = message !== undefined ? commonUtilsMessages[message] : undefined
    if (mapped === ErrorCode.UserCancelled) throw cancelled()
    if (mapped) throw new QoltanbaError(mapped, `NCALayer: ${message}`, { agentCode: code, agentMessage: message ?? '' })
    throw failure(code, message)
  }
  if ('success' in reply) {
    if (reply.success === true) {
      const body = reply.body
      return isRecord(body) ? body.result : undefined
    }
    const errorCode = str(reply.errorCode) ?? str(reply.code)
    if (errorCode === 'MODULE_NOT_FOUND') {
      throw new QoltanbaError(ErrorCode.NotSupported, 'The agent has no such module', { agentCode: errorCode })
    }
    throw failure(errorCode, str(reply.message))
  }
  throw new QoltanbaError(ErrorCode.AgentProtocol, 'The agent sent a reply of unknown shape')
}

function failure(code: string | undefined, message: string | undefined, data?: unknown, details?: string): QoltanbaError {
  const text = message ?? 'The agent reported a failure'
  // A code from our table crosses the boundary as itself; anything else is the agent's own.
  if (isErrorCode(code)) return new QoltanbaError(code, text, safeDetails(data))
  const facts: Record<string, string | number | boolean> = { agentCode: code ?? '', agentMessage: text }
  if (details) facts.agentDetails = details.slice(0, 200)
  return new QoltanbaError(ErrorCode.AgentProtocol, `Agent failure ${code ?? ''}: ${text}`, facts)
}

/** Signatures from `basics.sign`, whatever the NCALayer version sent (docs/protocols.md#signing-with-basics). */
export interface NormalisedSignatures {
  readonly signatures: Uint8Array[]
  readonly certificate?: Uint8Array
}

/**
 * Normalises `body.result` of `basics.sign`: an array of strings (current), a bare string
 * (older versions), or `{signatures, certificate}` (`raw` with `outputCert`). Base64 may be
 * PEM-armoured.
 */
export function normaliseSignatures(result: unknown): NormalisedSignatures {
  if (typeof result === 'string') return { signatures: [fromBase64Text(result, 'signature')] }
  if (Array.isArray(result)) {
    return { signatures: result.map((s) => decodeString(s)) }
  }
  if (isRecord(result) && 'signatures' in result) {
    const inner = normaliseSignatures(result.signatures)
    const cert = str(result.certificate)
    return cert ? { signatures: inner.signatures, certificate: fromBase64Text(cert, 'certificate') } : inner
  }
  throw new QoltanbaError(ErrorCode.AgentProtocol, 'The agent returned no signature')
}

/**
 * What every `basics.sign` call sends, whichever program answers it (NCALayer or our agent):
 * real booleans and always extKeyUsageOids (docs/protocols.md#rules-for-our-adapter, rule 8);
 * decode:true because the data goes as base64. Each signer adds its own fields.
 */
export function basicsSignArgs(request: SignCmsRequest) {
  const filter = request.filter ?? {}
  return {
    format: 'cms',
    // A precomputed digest (detached only) travels as the data, flagged `digested`.
    data: toBase64(request.messageDigest ?? request.data),
    signingParams: { decode: true, encapsulate: !request.detached, digested: request.messageDigest !== undefined },
    signerParams: {
      extKeyUsageOids: [...(filter.extKeyUsageOids ?? [])],
      iin: filter.iin ?? '',
      bin: filter.bin ?? '',
      serialNumber: filter.serialNumber ?? '',
    },
  }
}

/**
 * The CMS of a `basics.sign` reply (the first signature) with the signer certificate when the
 * reply carries it; `noCmsMessage` is the protocol error when the list is empty.
 */
export function signCmsResult(reply: unknown, noCmsMessage: string): SignCmsResult {
  const { signatures, certificate } = normaliseSignatures(reply)
  const cms = signatures[0]
  if (!cms) throw new QoltanbaError(ErrorCode.AgentProtocol, noCmsMessage)
  return certificate ? { cms, certificate } : { cms }
}

function decodeString(v: unknown): Uint8Array {
  if (typeof v !== 'string') throw new QoltanbaError(ErrorCode.AgentProtocol, 'A signature is not a string')
  return fromBase64Text(v, 'signature')
}
