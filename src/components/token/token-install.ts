/**
 * Installing issued certificates onto the hardware token that holds their keys: the same
 * download and chain checks as browser installation, then each certificate is matched to its
 * token key by public key and written next to it by our local agent (same CKA_ID), then the
 * server is told. The PIN is used for these calls only.
 */
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import { sha256Hex } from '@/api/index.ts'
import type { Signer } from '@/agents/signer.ts'
import { useAgentsStore } from '@/stores/agents.ts'
import { tokenObjectLabel } from '@/stores/token-keys.ts'
import { verifyIssued, type InstallOptions, type InstallResult } from '@/components/install/install-flow.ts'

/**
 * Runs the installation for an application with storage 'token' (`options.password` is the PIN).
 * @param signer our agent's signer (default: the agents store's).
 */
export async function installOnToken(options: InstallOptions, signer: Signer = useAgentsStore().agentSigner()): Promise<InstallResult> {
  const { application: app, client, onPhase } = options
  const { tokenId, keyIds } = app.keys
  if (!tokenId || !keyIds) throw new QoltanbaError(ErrorCode.NotSupported, 'The token of this application is not known here')
  const pin = options.password ?? ''

  onPhase('download')
  const issued = await client.getCertificates(app.number, app.accessCode)
  const root = await client.getCaCertificate('root')
  if (app.caRootSha256 && (await sha256Hex(root)) !== app.caRootSha256) {
    throw new QoltanbaError('ERR_UNTRUSTED_CHAIN', 'The CA root differs from the one seen when applying')
  }

  onPhase('verify')
  const [pki, verifier] = await Promise.all([import('@/pki/index.ts'), import('@/verifier/index.ts')])
  const { leaves } = await verifyIssued(issued, root, pki, verifier, options.now ?? new Date())

  onPhase('match')
  // Listing with the PIN also checks it before anything is written.
  const keys = await signer.listKeys({ storageId: tokenId, secret: pin })
  for (const leaf of leaves) {
    const key = keys.find((k) => k.id === keyIds[leaf.purpose])
    if (!key) throw new QoltanbaError(ErrorCode.KeyMismatch, `The ${leaf.purpose} key is not on this token`)
    if (key.publicKey && !pki.certificateMatchesKey(leaf.der, key.publicKey)) {
      throw new QoltanbaError(ErrorCode.KeyMismatch, `The ${leaf.purpose} certificate is not for the key made for it`)
    }
  }

  onPhase('store')
  for (const leaf of leaves) {
    await signer.importCertificate({
      storageId: tokenId,
      secret: pin,
      certificate: leaf.der,
      keyId: keyIds[leaf.purpose],
      label: tokenObjectLabel(leaf.purpose, app.applicant.iin),
    })
  }

  onPhase('confirm')
  await client.markInstalled(app.number, app.accessCode)
  return { certificates: leaves.map((l) => ({ purpose: l.purpose, serial: l.serial, der: l.der })), files: [] }
}
