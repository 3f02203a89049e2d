/**
 * The browser's WebAuthn (navigator.credentials) as a {@link PasskeyAuthenticator}: passkeys with
 * user verification required and the PRF extension. The relying party is this origin's host;
 * the user handle is the container id (a passkey per container, so the platform lists them apart).
 * Cancelling is ERR_USER_CANCELLED, an authenticator without PRF gives `prf: undefined`.
 */
import { ErrorCode, QoltanbaError } from '../core/errors.ts'
import type { PasskeyAuthenticator, PasskeyResult } from './passkeys.ts'

type Bytes = Uint8Array<ArrayBuffer>

/** What the browser says about passkey unlock before anything is created. */
export type PasskeySupport = 'available' | 'no-webauthn' | 'no-prf'

interface PrfOutputs {
  readonly enabled?: boolean
  readonly results?: { readonly first?: BufferSource }
}

interface ClientCapabilitiesApi {
  getClientCapabilities?: () => Promise<Record<string, boolean>>
}

/**
 * Whether this browser can offer passkey unlock: WebAuthn in a secure context, and PRF unless the
 * browser says it has none (getClientCapabilities, where it exists). An authenticator without PRF
 * is found out at setup (ERR_NOT_SUPPORTED) and nothing is stored.
 */
export async function passkeySupport(): Promise<PasskeySupport> {
  const api = globalThis.PublicKeyCredential as (typeof PublicKeyCredential & ClientCapabilitiesApi) | undefined
  if (!api || !globalThis.isSecureContext || !globalThis.navigator?.credentials) return 'no-webauthn'
  try {
    const capabilities = await api.getClientCapabilities?.()
    if (capabilities && capabilities['extension:prf'] === false) return 'no-prf'
  } catch {
    // No capability list: find out at setup.
  }
  return 'available'
}

function bytesOf(source: BufferSource | undefined): Uint8Array | undefined {
  if (!source) return undefined
  return source instanceof ArrayBuffer ? new Uint8Array(source.slice(0)) : new Uint8Array(source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength))
}

function prfOf(credential: PublicKeyCredential): Uint8Array | undefined {
  const prf = (credential.getClientExtensionResults() as { prf?: PrfOutputs }).prf
  return bytesOf(prf?.results?.first)
}

/** NotAllowedError is WebAuthn's answer to a cancel, a timeout and "no such credential here". */
function asPasskeyError(e: unknown): unknown {
  if (e instanceof QoltanbaError) return e
  const name = (e as { name?: string } | null)?.name
  if (name === 'NotAllowedError' || name === 'AbortError') return new QoltanbaError(ErrorCode.UserCancelled, 'The passkey was not used', { reason: 'passkey' }, { cause: e })
  if (name === 'InvalidStateError') return new QoltanbaError(ErrorCode.NotSupported, 'This authenticator already has a passkey for the container', { reason: 'exists' }, { cause: e })
  return new QoltanbaError(ErrorCode.NotSupported, 'Passkeys are not available here', { reason: name ?? 'webauthn' }, { cause: e })
}

/** navigator.credentials with PRF. */
export class WebAuthnPasskeys implements PasskeyAuthenticator {
  constructor(private readonly credentials: CredentialsContainer = navigator.credentials, private readonly rpId: string = location.hostname) {}

  async create(request: { containerId: string; containerName: string; prfSalt: Uint8Array; excludeCredentialIds: readonly Uint8Array[] }): Promise<PasskeyResult> {
    let credential: PublicKeyCredential | null
    try {
      credential = (await this.credentials.create({
        publicKey: {
          rp: { id: this.rpId, name: 'Qoltanba' },
          user: { id: new TextEncoder().encode(request.containerId), name: request.containerName, displayName: request.containerName },
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          // ES256, then RS256 (Windows Hello).
          pubKeyCredParams: [
            { type: 'public-key', alg: -7 },
            { type: 'public-key', alg: -257 },
          ],
          authenticatorSelection: { userVerification: 'required', residentKey: 'preferred' },
          excludeCredentials: request.excludeCredentialIds.map((id) => ({ type: 'public-key' as const, id: id as Bytes })),
          extensions: { prf: { eval: { first: request.prfSalt as Bytes } } } as AuthenticationExtensionsClientInputs,
        },
      })) as PublicKeyCredential | null
    } catch (e) {
      throw asPasskeyError(e)
    }
    if (!credential) throw new QoltanbaError(ErrorCode.UserCancelled, 'The passkey was not created', { reason: 'passkey' })
    const prf = (credential.getClientExtensionResults() as { prf?: PrfOutputs }).prf
    if (prf?.enabled === false) throw new QoltanbaError(ErrorCode.NotSupported, 'The authenticator has no PRF', { reason: 'prf' })
    return { credentialId: new Uint8Array(credential.rawId), prf: prfOf(credential) }
  }

  async assert(request: { credentialIds: readonly Uint8Array[]; prfSalt: Uint8Array }): Promise<PasskeyResult> {
    let credential: PublicKeyCredential | null
    try {
      credential = (await this.credentials.get({
        publicKey: {
          rpId: this.rpId,
          challenge: crypto.getRandomValues(new Uint8Array(32)),
          allowCredentials: request.credentialIds.map((id) => ({ type: 'public-key' as const, id: id as Bytes })),
          userVerification: 'required',
          extensions: { prf: { eval: { first: request.prfSalt as Bytes } } } as AuthenticationExtensionsClientInputs,
        },
      })) as PublicKeyCredential | null
    } catch (e) {
      throw asPasskeyError(e)
    }
    if (!credential) throw new QoltanbaError(ErrorCode.UserCancelled, 'The passkey was not used', { reason: 'passkey' })
    return { credentialId: new Uint8Array(credential.rawId), prf: prfOf(credential) }
  }
}
