/**
 * A three-level OpenSSL PKI for revocation of the whole path: a root, intermediate CAs under it
 * that name the root's OCSP responder (AIA) and CRL (CDP), and a leaf under each. The root revokes
 * or suspends some of the intermediates; CRLs come from `openssl ca -gencrl`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AUTH_EXTENSIONS, openssl, type CaDir, type IssuedCert, type OpensslPki } from './openssl-pki.ts'

/** Where the test's injected fetch serves CRLs (nothing listens there). */
export const CRL_BASE = 'http://crl.path.test'

/** Extension lines of an intermediate CA naming where its status is found. */
function caExtensions(ocspUrl: string | undefined, crlUrl: string | undefined): string[] {
  return [
    'basicConstraints = critical,CA:TRUE,pathlen:0',
    'keyUsage = critical,keyCertSign,cRLSign',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    ...(ocspUrl ? [`authorityInfoAccess = OCSP;URI:${ocspUrl}`] : []),
    ...(crlUrl ? [`crlDistributionPoints = URI:${crlUrl}`] : []),
  ]
}

/**
 * An intermediate CA whose certificate carries AIA/CDP: `intermediateCa` makes the `openssl ca`
 * directory and key, then the root certifies the same key again with the extensions wanted, and
 * that certificate becomes the CA's (leaves name it by key identifier, so they chain to it).
 */
export function intermediateWithStatus(pki: OpensslPki, root: CaDir, name: string, opts: { ocspUrl?: string; crlUrl?: string }): CaDir {
  const plain = pki.intermediateCa(root, name)
  const cert = pki.issue(root, `${name}-ca`, { subject: `/C=KZ/O=Test/CN=${name}`, keyPath: plain.keyPath, extensions: caExtensions(opts.ocspUrl, opts.crlUrl) })
  writeFileSync(join(plain.dir, 'ca.pem'), cert.certPem)
  return { ...plain, certPem: cert.certPem, der: cert.der, certPath: join(plain.dir, 'ca.pem') }
}

/** A leaf (authentication profile, usable for signatures too) under `ca`, naming `ca`'s CRL. */
export function leafUnder(pki: OpensslPki, ca: CaDir, name: string, iin: string, extra: string[] = []): IssuedCert {
  return pki.issue(ca, name, {
    subject: `/CN=ТЕСТОВ/serialNumber=IIN${iin}/C=KZ`,
    keyType: 'p256',
    extensions: [...AUTH_EXTENSIONS, `crlDistributionPoints = URI:${CRL_BASE}/${ca.name}.crl`, ...extra],
  })
}

/** The CA's CRL as a PEM file for `openssl verify -CRLfile`, and as DER. */
export function crlFiles(pki: OpensslPki, ca: CaDir): { readonly pemPath: string; readonly der: Uint8Array } {
  const der = pki.crl(ca)
  return { pemPath: pki.path(`${ca.name}.crl`), der }
}

/**
 * A CRL of `ca` limited by an issuingDistributionPoint (RFC 5280 §5.2.5), e.g. `onlyuser = TRUE`:
 * it says nothing about certificates outside its scope.
 */
export function scopedCrl(pki: OpensslPki, ca: CaDir, idpLine: string): { readonly pemPath: string; readonly der: Uint8Array } {
  const config = pki.path(`${ca.name}-scoped.cnf`)
  const base = readFileSync(ca.config, 'utf8').replace('[CA_default]\n', '[CA_default]\ncrl_extensions = crl_ext\n')
  writeFileSync(config, `${base}[crl_ext]\nissuingDistributionPoint = critical,@idp\n[idp]\n${idpLine}\n`)
  const pemPath = pki.path(`${ca.name}-scoped.crl`)
  openssl(['ca', '-config', config, '-gencrl', '-out', pemPath])
  const der = new Uint8Array(openssl(['crl', '-in', pemPath, '-outform', 'DER']))
  return { pemPath, der }
}

/** `openssl verify -crl_check_all` of `leaf` against `root`, with `intermediate` untrusted and the CRL files given. */
export function opensslVerifyAll(root: CaDir, intermediate: CaDir, leaf: IssuedCert, crlPemPaths: string[]): { code: number; out: string } {
  const args = ['verify', '-crl_check_all', '-CAfile', root.certPath, '-untrusted', intermediate.certPath, ...crlPemPaths.flatMap((p) => ['-CRLfile', p]), leaf.certPath]
  try {
    return { code: 0, out: openssl(args).toString() }
  } catch (e) {
    const err = e as { status?: number; stdout?: Buffer; stderr?: Buffer }
    return { code: err.status ?? 1, out: `${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}` }
  }
}
