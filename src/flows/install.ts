/**
 * Installing issued certificates, once for every place keys can live: download them, verify each
 * one's chain to the CA's root certificate, match each to the key made for it, store each next to
 * its key through the {@link Signer} that holds the keys (the browser keystore, or a hardware token
 * of our local agent), and — for key files — write the two PKCS#12 files (NCA names) with the
 * user's password; then tell the server. Nothing is marked installed unless every step before
 * succeeded, so a failure loses nothing. The caller picks the signer (src/stores/installation.ts).
 */
import { ErrorCode, QoltanbaError } from '@/core/errors.ts'
import { sha256Hex, type ApiClient, type ApplicationRecord, type CertificatePurpose, type IssuedCertificates } from '@/api/index.ts'
import type { Signer } from '@/core/signer.ts'
import type { Keystore } from '@/keystore/index.ts'
import { tokenObjectLabel } from './key-requests.ts'

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
  /** The signer holding the application's keys (storage 'token': our agent; else the keystore). */
  readonly signer: Signer
  /** Token PIN, or for key files the container password (it opens the keys and protects the files). */
  readonly secret?: string
  readonly onPhase: (phase: InstallPhase) => void
  /** Key files only: the keystore that exports them and where they go (a folder, or downloads). */
  readonly keyFiles?: {
    readonly keystore: Keystore
    readonly save: (files: readonly KeyFile[]) => Promise<void>
  }
  readonly now?: Date
}

/** What was installed. */
export interface InstallResult {
  readonly certificates: readonly { readonly purpose: CertificatePurpose; readonly serial: string; readonly der: Uint8Array }[]
  readonly files: readonly string[]
}

/** Runs the whole installation (see the module comment). */
export async function installCertificates(options: InstallOptions): Promise<InstallResult> {
  const { application: app, client, signer, onPhase } = options
  const onToken = app.keys.storage === 'token'
  const storageId = onToken ? app.keys.tokenId : app.keys.containerId
  const { keyIds } = app.keys
  if (!storageId || !keyIds) {
    throw new QoltanbaError(ErrorCode.NotSupported, onToken ? 'The token of this application is not known here' : 'The keys of this application are not in this browser')
  }
  // Key files are written before the server hears of it; without somewhere to save them, stop now.
  if (app.keys.storage === 'file' && !options.keyFiles) throw new QoltanbaError(ErrorCode.NotSupported, 'Key files need a keystore and a place to save them')
  const secret = options.secret ?? ''

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
  // On a token, listing with the PIN also checks it before anything is written.
  const keys = await signer.listKeys({ storageId, secret })
  for (const leaf of leaves) {
    const key = keys.find((k) => k.id === keyIds[leaf.purpose])
    if (!key) throw new QoltanbaError(ErrorCode.KeyMismatch, `The ${leaf.purpose} key is not in this storage`)
    if (key.publicKey && !pki.certificateMatchesKey(leaf.der, key.publicKey)) {
      throw new QoltanbaError(ErrorCode.KeyMismatch, `The ${leaf.purpose} certificate is not for the key made for it`)
    }
  }

  onPhase('store')
  // With the CA chain where the signer keeps one (the keystore): signatures and .p12 files carry it.
  for (const leaf of leaves) {
    await signer.importCertificate({
      storageId,
      secret,
      certificate: leaf.der,
      keyId: keyIds[leaf.purpose],
      chain,
      label: tokenObjectLabel(leaf.purpose, app.applicant.iin),
    })
  }
  const files: KeyFile[] = []
  if (app.keys.storage === 'file' && options.keyFiles) {
    for (const leaf of leaves) {
      const bytes = await options.keyFiles.keystore.exportPkcs12(storageId, { password: secret, keyId: keyIds[leaf.purpose], compatibility: 'modern' })
      const info = await pki.describeCertificate(leaf.der)
      files.push({ name: keyFileName(leaf.purpose, app.keys.algorithm, info.subjectKeyIdentifier ?? info.fingerprintSha256.slice(0, 40)), bytes, purpose: leaf.purpose })
    }
    await options.keyFiles.save(files)
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
