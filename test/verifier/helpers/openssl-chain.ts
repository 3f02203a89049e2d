/**
 * Certificates with arbitrary extensions made by `openssl req`/`openssl x509 -req` (any issuer,
 * any key, same-name key rollover), and `openssl verify` as the independent checker of the
 * paths built from them. Lighter than OpensslPki's `openssl ca` directories, which fix the CA
 * extensions.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openssl } from './openssl-pki.ts'

/** One made certificate. */
export interface MadeCert {
  readonly name: string
  readonly certPath: string
  readonly keyPath: string
  readonly der: Uint8Array
}

/** CA extensions OpenSSL and RFC 5280 expect of a CA certificate. */
export function caExtensions(extra: string[] = [], pathLen?: number): string[] {
  return [
    `basicConstraints = critical,CA:TRUE${pathLen !== undefined ? `,pathlen:${pathLen}` : ''}`,
    'keyUsage = critical,keyCertSign,cRLSign',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    ...extra,
  ]
}

/** End-entity extensions of a sign-in certificate, plus `extra` lines. */
export function leafExtensions(extra: string[] = []): string[] {
  return [
    'basicConstraints = critical,CA:FALSE',
    'keyUsage = critical,digitalSignature',
    'extendedKeyUsage = clientAuth',
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    ...extra,
  ]
}

/** A scratch directory of certificates; `dispose()` removes it. */
export class OpensslChain {
  readonly dir = mkdtempSync(join(tmpdir(), 'qoltanba-chain-'))
  private serial = 0x5000

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }

  private file(name: string): string {
    return join(this.dir, name)
  }

  /** A P-256 key (cheap to make; RSA keys are covered elsewhere). */
  key(name: string): string {
    const path = this.file(`${name}.key`)
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path])
    return path
  }

  /**
   * A certificate for `subject` with `extensions`, signed by `issuer` (self-signed when absent).
   * `keyPath` reuses a key (key rollover and cross-certificates keep or change keys on purpose).
   */
  make(name: string, opts: { subject: string; extensions: string[]; issuer?: MadeCert; keyPath?: string; days?: number }): MadeCert {
    const keyPath = opts.keyPath ?? this.key(name)
    const ext = this.file(`${name}.ext`)
    writeFileSync(ext, `[req]\ndistinguished_name = dn\n[dn]\n[ext]\n${opts.extensions.join('\n')}\n`)
    const certPath = this.file(`${name}.pem`)
    const days = String(opts.days ?? 30)
    const serial = `0x${(this.serial++).toString(16)}`
    if (!opts.issuer) {
      openssl(['req', '-x509', '-new', '-config', ext, '-extensions', 'ext', '-key', keyPath, '-utf8', '-subj', opts.subject, '-days', days, '-sha256', '-set_serial', serial, '-out', certPath])
    } else {
      const csr = this.file(`${name}.csr`)
      openssl(['req', '-new', '-config', ext, '-key', keyPath, '-utf8', '-subj', opts.subject, '-out', csr])
      openssl(['x509', '-req', '-in', csr, '-CA', opts.issuer.certPath, '-CAkey', opts.issuer.keyPath, '-set_serial', serial, '-days', days, '-sha256',
        '-extfile', ext, '-extensions', 'ext', '-out', certPath])
    }
    const der = new Uint8Array(openssl(['x509', '-in', certPath, '-outform', 'DER']))
    return { name, certPath, keyPath, der }
  }

  /**
   * `openssl verify -x509_strict` of `leaf` against `anchors` with `untrusted` intermediates;
   * `args` adds options such as `-policy OID -explicit_policy`. True when OpenSSL accepts.
   */
  opensslAccepts(leaf: MadeCert, untrusted: MadeCert[], anchors: MadeCert[], args: string[] = []): boolean {
    const bundle = (certs: MadeCert[], name: string) => {
      const path = this.file(`${name}-${Math.random().toString(36).slice(2)}.pem`)
      writeFileSync(path, certs.map((c) => readFileSync(c.certPath, 'utf8')).join(''))
      return path
    }
    const untrustedArgs = untrusted.length ? ['-untrusted', bundle(untrusted, 'untrusted')] : []
    try {
      execFileSync('openssl', ['verify', '-x509_strict', ...args, '-CAfile', bundle(anchors, 'anchors'), ...untrustedArgs, leaf.certPath], { stdio: 'pipe' })
      return true
    } catch {
      return false
    }
  }
}
