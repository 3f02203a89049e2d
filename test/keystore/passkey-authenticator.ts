/**
 * A software passkey authenticator for Node tests and the unit-level checks: what a CTAP2
 * authenticator's hmac-secret does for WebAuthn PRF, HMAC-SHA-256(credential secret,
 * SHA-256("WebAuthn PRF" ‖ 0x00 ‖ salt)). Node has no WebAuthn; the browser path (webauthn.ts)
 * is covered by test/e2e/passkey.spec.ts with Chromium's virtual authenticator.
 */
import { webcrypto } from 'node:crypto'
import type { PasskeyAuthenticator, PasskeyResult } from '../../src/keystore/index.ts'

interface SoftCredential {
  readonly id: Uint8Array
  readonly secret: Uint8Array
}

const subtle = webcrypto.subtle

async function prf(secret: Uint8Array, salt: Uint8Array): Promise<Uint8Array> {
  const label = new TextEncoder().encode('WebAuthn PRF\u0000')
  const input = new Uint8Array(await subtle.digest('SHA-256', Buffer.concat([label, salt])))
  const key = await subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await subtle.sign('HMAC', key, input))
}

export class SoftAuthenticator implements PasskeyAuthenticator {
  readonly credentials: SoftCredential[] = []
  /** Which credential the next assertion uses (default: the first allowed one). */
  pick: ((allowed: readonly Uint8Array[]) => SoftCredential | undefined) | undefined
  assertions = 0

  constructor(private readonly withPrf = true) {}

  async create(): Promise<PasskeyResult> {
    const credential = { id: webcrypto.getRandomValues(new Uint8Array(16)), secret: webcrypto.getRandomValues(new Uint8Array(32)) }
    this.credentials.push(credential)
    // Like most authenticators: PRF results only on assertion.
    return { credentialId: credential.id.slice(), prf: undefined }
  }

  async assert(request: { credentialIds: readonly Uint8Array[]; prfSalt: Uint8Array }): Promise<PasskeyResult> {
    this.assertions++
    const allowed = (c: SoftCredential) => request.credentialIds.some((id) => Buffer.from(id).equals(Buffer.from(c.id)))
    const credential = this.pick ? this.pick(request.credentialIds) : this.credentials.find(allowed)
    if (!credential) throw Object.assign(new Error('no credential'), { name: 'NotAllowedError' })
    return { credentialId: credential.id.slice(), prf: this.withPrf ? await prf(credential.secret, request.prfSalt) : undefined }
  }
}
