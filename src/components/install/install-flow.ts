/**
 * Installing issued certificates: download them, verify each one's chain to the CA's root
 * certificate, match each to the key made for it, store them in the container, and — for key
 * files — write the two PKCS#12 files (NCA names) with the user's password; then tell the server.
 * Nothing is marked installed unless every step before succeeded, so a failure loses nothing.
 */
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import { sha256Hex, type ApiClient, type ApplicationRecord, type CertificatePurpose, type IssuedCertificates } from '@/api/index.ts'
import type { Keystore } from '@/keystore/index.ts'

/** Progress phases, in order. */
export type InstallPhase = 'download' | 'verify' | 'match' | 'store' | 'confirm'
export const INSTALL_PHASES: readonly InstallPhase[] = ['download', 'verify', 'match', 'store', 'confirm']

/** A PKCS#12 file made for the key-file storage. */
export interface KeyFile {
  readonly name: string
  readonly bytes: Uint8Array
  readonly purpose: CertificatePurpose
}

/** Options of {@link installCertificates}. */
export interface InstallOptions {
  readonly application: ApplicationRecord
  readonly client: ApiClient
  readonly keystore: Keystore
  /** The container password (key files only: it opens the keys and protects the files). */
  readonly password?: string
  readonly onPhase: (phase: InstallPhase) => void
  /** Where key files go (a folder the user picked, or downloads). */
  readonly saveFiles?: (files: readonly KeyFile[]) => Promise<void>
  readonly now?: Date
}

/** What was installed. */
export interface InstallResult {
  readonly certificates: readonly { readonly purpose: CertificatePurpose; readonly serial: string; readonly der: Uint8Array }[]
  readonly files: readonly string[]
}

/** Runs the whole installation (see the module comment). */
export async function installCertificates(options: InstallOptions): Promise<InstallResult> {
  const { application: app, client, keystore, onPhase } = options
  // Hardware token: the PIN comes in `password`; the certificates go onto the token.
  if (app.keys.storage === 'token') return (await import('@/components/token/token-install.ts')).installOnToken(options)
  const { containerId, keyIds } = app.keys
  if (!containerId || !keyIds) throw new QoltanbaError(ErrorCode.NotSupported, 'The keys of this application are not in this browser')

  onPhase('download')
  const issued = await client.getCertificates(app.number, app.accessCode)
  const root = await client.getCaCertificate('root')
  if (app.caRootSha256 && (await sha256Hex(root)) !== app.caRootSha256) {
    throw new QoltanbaError('ERR_UNTRUSTED_CHAIN', 'The CA root differs from the one seen when applying')
  }

  onPhase('verify')
  const [pki, verifier] = await Promise.all([import('@/pki/index.ts'), import('@/verifier/index.ts')])
  const { leaves, chain } = await verifyIssued(issued, root, pki, verifier, options.now ?? new Date())

  onPhase('match')
  const container = await keystore.getContainer(containerId)
  for (const leaf of leaves) {
    const key = container.keys.find((k) => k.id === keyIds[leaf.purpose])
    if (!key || !pki.certificateMatchesKey(leaf.der, key.spki)) {
      throw new QoltanbaError(ErrorCode.KeyMismatch, `The ${leaf.purpose} certificate is not for the key made for it`)
    }
  }

  onPhase('store')
  // With the CA chain: signatures and the .p12 files then carry it.
  for (const leaf of leaves) await keystore.attachCertificate(containerId, leaf.der, chain)
  const files: KeyFile[] = []
  if (app.keys.storage === 'file') {
    const password = options.password ?? ''
    for (const leaf of leaves) {
      const bytes = await keystore.exportPkcs12(containerId, { password, keyId: keyIds[leaf.purpose], compatibility: 'modern' })
      const info = await pki.describeCertificate(leaf.der)
      files.push({ name: keyFileName(leaf.purpose, app.keys.algorithm, info.subjectKeyIdentifier ?? info.fingerprintSha256.slice(0, 40)), bytes, purpose: leaf.purpose })
    }
    await options.saveFiles?.(files)
  }

  onPhase('confirm')
  await client.markInstalled(app.number, app.accessCode)
  return { certificates: leaves.map((l) => ({ purpose: l.purpose, serial: l.serial, der: l.der })), files: files.map((f) => f.name) }
}

/**
 * NCA-style file names: AUTH_RSA256_<SKI>.p12 and RSA256_<SKI>.p12; ECDSA keys get
 * AUTH_ECDSA256_<SKI>.p12 and ECDSA256_<SKI>.p12.
 */
export function keyFileName(purpose: CertificatePurpose, algorithm: 'RSA-2048' | 'P-256', ski: string): string {
  const family = algorithm === 'P-256' ? 'ECDSA256' : 'RSA256'
  return `${purpose === 'auth' ? 'AUTH_' : ''}${family}_${ski.toLowerCase()}.p12`
}

type Pki = typeof import('@/pki/index.ts')
type Verifier = typeof import('@/verifier/index.ts')

/** Each issued certificate must chain to the root the CA publishes (and the chain must end in it). */
export async function verifyIssued(issued: IssuedCertificates, root: Uint8Array, pki: Pki, verifier: Verifier, now: Date) {
  const chain = issued.chain.map((pem) => pki.decodeDerOrPem(new TextEncoder().encode(pem)))
  const last = chain[chain.length - 1]
  if (!last || !pki.bytesEqual(last, root)) {
    throw new QoltanbaError('ERR_UNTRUSTED_CHAIN', 'The chain does not end in the CA root certificate')
  }
  const anchors = [verifier.parseCertificate(root)]
  const intermediates = chain.slice(0, -1).map((der) => verifier.parseCertificate(der))
  const leaves: { purpose: CertificatePurpose; serial: string; der: Uint8Array }[] = []
  for (const c of issued.certificates) {
    const der = pki.decodeDerOrPem(new TextEncoder().encode(c.pem))
    await verifier.validatePath({ leaf: verifier.parseCertificate(der), intermediates, anchors, now })
    leaves.push({ purpose: c.purpose, serial: c.serial, der })
  }
  if (leaves.length !== 2 || new Set(leaves.map((l) => l.purpose)).size !== 2) {
    throw new QoltanbaError(ErrorCode.Malformed, 'Expected one authentication and one signing certificate')
  }
  return { leaves, chain }
}
