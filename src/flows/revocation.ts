/**
 * Revoking one of this device's own certificates: check the container password by unlocking,
 * sign the revocation request with that certificate's own key (CMS), send it, and mark the
 * certificate revoked in the keystore so it stays visible, marked, for history. A wrong password
 * stops before anything is signed or sent. The containers store runs it (`revoke`).
 */
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import { revocationRequestPayload, sendRevocationRequest } from '@/api/revocation-client.ts'
import type { CertificateStatusChange } from '@/api/operator-types.ts'
import type { RevocationReason } from '@/api/revocation-reasons.ts'
import type { Keystore, PasskeyAuthenticator } from '@/keystore/index.ts'
import type { CertificateView } from '@/keystore/views.ts'

/** The result shown on the last page. */
export interface RevocationOutcome {
  readonly serial: string
  readonly reason: RevocationReason
  readonly revokedAt: number
}

/**
 * Sends the revocation of `certificate`, authorized by its own key; see the file comment.
 * `confirmation` is the container password, or the authenticator of one of its passkeys.
 */
export async function revokeStoredCertificate(
  keystore: Keystore,
  certificate: CertificateView,
  reason: RevocationReason,
  confirmation: string | PasskeyAuthenticator,
): Promise<RevocationOutcome> {
  if (!certificate.keyId) throw new QoltanbaError(ErrorCode.NotFound, 'no key for this certificate')
  const wasUnlocked = keystore.isUnlocked(certificate.containerId)
  // The password (or the passkey with its user verification) is the explicit confirmation:
  // checked (and throttled) even when already unlocked.
  if (typeof confirmation === 'string') await keystore.unlockContainer(certificate.containerId, confirmation)
  else await keystore.unlockWithPasskey(certificate.containerId, confirmation)
  let cms: Uint8Array
  try {
    cms = await keystore.signCms(certificate.containerId, certificate.keyId, revocationRequestPayload(certificate.summary.serialNumber, reason), {
      certificateId: certificate.id,
    })
  } finally {
    if (!wasUnlocked) keystore.lockContainer(certificate.containerId)
  }
  let change: CertificateStatusChange | undefined
  try {
    change = await sendRevocationRequest(certificate.summary.serialNumber, reason, cms)
  } catch (e) {
    // Revoked meanwhile (by an operator, or in another tab): the local mark must follow.
    if ((e as { code?: string }).code !== 'ERR_ALREADY_REVOKED') throw e
  }
  const revokedAt = change?.revokedAt ? Date.parse(change.revokedAt) : Date.now()
  await keystore.setCertificateRevoked(certificate.id, revokedAt)
  // The caller refreshes the list once it has recorded the outcome: refreshing here would show
  // "already revoked" before the result page.
  return { serial: certificate.summary.serialNumber, reason, revokedAt }
}
