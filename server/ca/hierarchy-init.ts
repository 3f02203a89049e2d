/**
 * Creating a CA hierarchy (`qoltanba ca init`, or the development CA of a first embedded start):
 * root CA, issuing CA and OCSP responder, their keys in the PKCS#11 token or as encrypted PKCS#8
 * files, all written to the CA store (ca-store.ts) — DATA_DIR/ca, or the database in one
 * transaction when DATABASE_URL is set.
 */
import { randomBytes } from 'node:crypto'
import type { CaFile, CaStore } from './ca-store.ts'
import { certifyDelegate } from './delegates.ts'
import {
  addYears, certificateFile, createKey, hierarchyExists, ISSUING_NAME, manifestFile, nameDer, OCSP_NAME, passphraseFor, randomSerial, ROLES, ROOT_NAME,
  type CaConfig, type CaManifest, type Role,
} from './hierarchy.ts'
import type { CaKeyAlgorithm, CaSigner } from './signer.ts'
import {
  authorityInfoAccess, authorityKeyIdentifier, basicConstraints, crlDistributionPoints, keyIdentifier, keyUsage, signCertificate, subjectKeyIdentifier,
} from './x509-build.ts'

/** Options of initCertificateAuthority. */
export interface InitOptions {
  /** Marks the hierarchy as a development one (said loudly at every start). */
  readonly development?: boolean
  readonly keyAlgorithm?: CaKeyAlgorithm
  /** PBKDF2 iterations of the key files (tests lower it; default 600,000). */
  readonly keyIterations?: number
  /** Log line sink (defaults to console.info). */
  readonly log?: (line: string) => void
}

/**
 * Creates the root CA, the issuing CA and the OCSP responder certificate in `store` (keys in
 * the PKCS#11 token when configured). Refuses to overwrite an existing hierarchy.
 */
export async function initCertificateAuthority(config: CaConfig, store: CaStore, options: InitOptions = {}): Promise<CaManifest> {
  if (await hierarchyExists(store)) throw new Error(`a CA hierarchy already exists in ${store.where}`)
  const keyAlgorithm = options.keyAlgorithm ?? config.caKeyAlgorithm ?? 'RSA-3072'
  const development = options.development ?? false
  const tag = keyAlgorithm === 'P-256' ? 'EC' : 'RSA'
  const dev = development ? ' DEV' : ''
  const keyStore = config.pkcs11 ? 'pkcs11' : 'file'
  const labels = Object.fromEntries(ROLES.map((r) => [r, `qoltanba-${r}-${randomBytes(4).toString('hex')}`])) as Record<Role, string>

  const signers: Partial<Record<Role, CaSigner>> = {}
  const files: CaFile[] = []
  try {
    const pass = keyStore === 'file' ? passphraseFor(config, store, development) : ''
    for (const role of ROLES) {
      const key = createKey(config, role, labels[role], keyAlgorithm, pass, options.keyIterations)
      signers[role] = key.signer
      if (key.file) files.push(key.file)
    }
    const now = new Date(Math.floor(Date.now() / 1000) * 1000)
    const [rootS, issS, ocspS] = [signers.root, signers.issuing, signers.ocsp] as CaSigner[]
    const rootName = nameDer(`QOLTANBA${dev} ROOT CA (${tag})`)
    const rootId = keyIdentifier(rootS!.spki)
    const rootDer = signCertificate({
      serial: randomSerial(), issuer: rootName, subject: rootName, notBefore: now, notAfter: addYears(now, 20), spki: rootS!.spki,
      extensions: [basicConstraints(true), keyUsage(['keyCertSign', 'cRLSign']), subjectKeyIdentifier(rootId)],
    }, rootS!)
    const issName = nameDer(`QOLTANBA${dev} ISSUING CA (${tag})`)
    const issId = keyIdentifier(issS!.spki)
    const issNotAfter = addYears(now, 10)
    const issDer = signCertificate({
      serial: randomSerial(), issuer: rootName, subject: issName, notBefore: now, notAfter: issNotAfter, spki: issS!.spki,
      extensions: [
        basicConstraints(true, 0), keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign']), subjectKeyIdentifier(issId), authorityKeyIdentifier(rootId),
        authorityInfoAccess({ caIssuers: `${config.publicUrl}/ca/${ROOT_NAME}.crt` }),
        crlDistributionPoints(`${config.publicUrl}/crl/${ROOT_NAME}.crl`),
      ],
    }, rootS!)
    const ocspDer = certifyDelegate(
      OCSP_NAME,
      { subject: issName, spki: issS!.spki, signer: issS!, notAfter: issNotAfter },
      { subject: nameDer(`QOLTANBA${dev} OCSP RESPONDER`), spki: ocspS!.spki },
      now,
    )
    files.push(certificateFile(ROOT_NAME, rootDer), certificateFile(ISSUING_NAME, issDer), certificateFile(OCSP_NAME, ocspDer))
    const manifest: CaManifest = {
      version: 1, development, keyAlgorithm, keyStore, createdAt: now.toISOString(), ...(keyStore === 'pkcs11' ? { labels } : {}),
    }
    if (store.kind === 'database') {
      // One transaction: all or nothing, and a concurrent `ca init` cannot mix its files in.
      if (!(await store.create([...files, manifestFile(manifest)]))) throw new Error(`a CA hierarchy already exists in ${store.where}`)
    } else {
      // The manifest goes last: its presence means the hierarchy is complete.
      await store.write(files)
      await store.write([manifestFile(manifest)])
    }
    const log = options.log ?? console.info
    log(`CA hierarchy created in ${store.where} (${keyAlgorithm}, keys ${keyStore === 'pkcs11' ? 'in the PKCS#11 token' : 'in encrypted PKCS#8 files'})`)
    return manifest
  } finally {
    for (const s of Object.values(signers)) s?.close()
  }
}
