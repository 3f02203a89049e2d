/**
 * A throw-away PKI made with the openssl CLI in a mkdtemp directory, for sign-in tests: CAs kept
 * as `openssl ca` directories (index.txt, so `openssl ocsp -index` can answer for them), leaves
 * with any extension set, dates or digest, and CMS tokens made by `openssl cms -sign`.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type KeyType = 'rsa2048' | 'rsa1024' | 'p256'

/** One issued certificate with its key files. */
export interface IssuedCert {
  readonly name: string
  readonly certPem: string
  readonly certPath: string
  readonly keyPath: string
  readonly der: Uint8Array
}

/** A CA directory usable by `openssl ca` and `openssl ocsp`. */
export interface CaDir extends IssuedCert {
  readonly dir: string
  readonly config: string
}

export function openssl(args: string[], input?: string | Uint8Array): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] })
}

function pemToDer(pem: string): Uint8Array {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  return new Uint8Array(Buffer.from(b64, 'base64'))
}

/** A temporary PKI workspace; call `dispose()` when done. */
export class OpensslPki {
  readonly root: string
  private serialSeed = 0x1000

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'qoltanba-pki-'))
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true })
  }

  path(name: string): string {
    return join(this.root, name)
  }

  key(name: string, type: KeyType): string {
    const path = this.path(`${name}.key`)
    const opts =
      type === 'p256'
        ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
        : ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${type === 'rsa1024' ? 1024 : 2048}`]
    openssl(['genpkey', ...opts, '-out', path])
    return path
  }

  private caDirectory(name: string): { dir: string; config: string } {
    const dir = this.path(name)
    mkdirSync(join(dir, 'newcerts'), { recursive: true })
    writeFileSync(join(dir, 'index.txt'), '')
    writeFileSync(join(dir, 'index.txt.attr'), 'unique_subject = no\n')
    writeFileSync(join(dir, 'serial'), `${(this.serialSeed += 0x100).toString(16).padStart(6, '0')}01\n`)
    writeFileSync(join(dir, 'crlnumber'), '01\n')
    const config = join(dir, 'ca.cnf')
    writeFileSync(
      config,
      `[ca]
default_ca = CA_default
[CA_default]
dir = ${dir}
database = ${dir}/index.txt
new_certs_dir = ${dir}/newcerts
certificate = ${dir}/ca.pem
private_key = ${dir}/ca.key
serial = ${dir}/serial
crlnumber = ${dir}/crlnumber
default_md = sha256
default_days = 365
default_crl_days = 7
policy = policy_any
unique_subject = no
[policy_any]
commonName = supplied
[req]
distinguished_name = dn
string_mask = utf8only
[dn]
[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`,
    )
    return { dir, config }
  }

  /** A self-signed root; `pathLen` adds a pathLenConstraint. */
  rootCa(name: string, opts: { keyType?: KeyType; pathLen?: number; subject?: string } = {}): CaDir {
    const { dir, config } = this.caDirectory(name)
    const keyPath = join(dir, 'ca.key')
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyPath])
    if (opts.pathLen !== undefined) {
      writeFileSync(config, readFileSync(config, 'utf8').replace('CA:TRUE', `CA:TRUE,pathlen:${opts.pathLen}`))
    }
    const certPath = join(dir, 'ca.pem')
    openssl(['req', '-x509', '-new', '-config', config, '-extensions', 'root_ext', '-key', keyPath, '-utf8',
      '-subj', opts.subject ?? `/C=KZ/O=Test/CN=${name}`, '-days', '3650', '-sha256', '-out', certPath])
    const certPem = readFileSync(certPath, 'utf8')
    return { name, dir, config, certPath, keyPath, certPem, der: pemToDer(certPem) }
  }

  /**
   * Issues a certificate from `ca` with `openssl ca` and the extension lines given.
   * Dates: `startdate`/`enddate` as YYYYMMDDHHMMSSZ, else 365 days from now.
   */
  issue(
    ca: CaDir,
    name: string,
    opts: { subject: string; extensions: string[]; keyType?: KeyType; keyPath?: string; md?: string; startdate?: string; enddate?: string },
  ): IssuedCert {
    const keyPath = opts.keyPath ?? this.key(name, opts.keyType ?? 'rsa2048')
    const csr = this.path(`${name}.csr`)
    openssl(['req', '-new', '-config', ca.config, '-key', keyPath, '-utf8', '-subj', opts.subject, '-out', csr])
    const ext = this.path(`${name}.ext`)
    writeFileSync(ext, `[ext]\n${opts.extensions.join('\n')}\n`)
    const certPath = this.path(`${name}.pem`)
    const dates = [
      ...(opts.startdate ? ['-startdate', opts.startdate] : []),
      ...(opts.enddate ? ['-enddate', opts.enddate] : ['-days', '365']),
    ]
    openssl(['ca', '-config', ca.config, '-batch', '-notext', '-preserveDN', '-utf8', '-in', csr, '-out', certPath,
      '-extfile', ext, '-extensions', 'ext', '-md', opts.md ?? 'sha256', ...dates])
    const certPem = readFileSync(certPath, 'utf8')
    return { name, certPath, keyPath, certPem, der: pemToDer(certPem) }
  }

  /** An intermediate CA issued by `parent`, usable with {@link issue}. */
  intermediateCa(parent: CaDir, name: string, opts: { pathLen?: number } = {}): CaDir {
    const { dir, config } = this.caDirectory(name)
    const issued = this.issue(parent, name, {
      subject: `/C=KZ/O=Test/CN=${name}`,
      extensions: [
        `basicConstraints = critical,CA:TRUE${opts.pathLen !== undefined ? `,pathlen:${opts.pathLen}` : ''}`,
        'keyUsage = critical,keyCertSign,cRLSign',
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid',
      ],
      enddate: undefined,
    })
    writeFileSync(join(dir, 'ca.pem'), issued.certPem)
    writeFileSync(join(dir, 'ca.key'), readFileSync(issued.keyPath))
    return { ...issued, dir, config, certPath: join(dir, 'ca.pem'), keyPath: join(dir, 'ca.key') }
  }

  /** Marks a certificate revoked (or on hold) in the CA's index.txt. */
  revoke(ca: CaDir, cert: IssuedCert, reason: 'keyCompromise' | 'certificateHold'): void {
    const args = ['ca', '-config', ca.config, '-revoke', cert.certPath]
    if (reason === 'certificateHold') args.push('-crl_hold', 'holdInstructionReject')
    else args.push('-crl_reason', reason)
    openssl(args)
  }

  /** A DER CRL of `ca` from its index. */
  crl(ca: CaDir): Uint8Array {
    const out = this.path(`${ca.name}.crl`)
    openssl(['ca', '-config', ca.config, '-gencrl', '-out', out])
    return pemToDer(readFileSync(out, 'utf8'))
  }

  /**
   * `openssl cms -sign -binary -nodetach -md <md>` over `content`; DER output (`stream`: BER with
   * indefinite lengths, like NCALayer; `cades`: adds the ESS signingCertificateV2 attribute).
   */
  cmsSign(signer: IssuedCert, content: Uint8Array, opts: { md?: string; chain?: string[]; detached?: boolean; stream?: boolean; cades?: boolean } = {}): Uint8Array {
    const input = this.path(`content-${Math.random().toString(36).slice(2)}.bin`)
    writeFileSync(input, content)
    const chainFile = this.path(`chain-${Math.random().toString(36).slice(2)}.pem`)
    const certfile = opts.chain?.length ? ['-certfile', chainFile] : []
    if (opts.chain?.length) writeFileSync(chainFile, opts.chain.join('\n'))
    const der = openssl(['cms', '-sign', '-binary', ...(opts.detached ? [] : ['-nodetach']), ...(opts.stream ? ['-stream'] : []), ...(opts.cades ? ['-cades'] : []), '-md', opts.md ?? 'sha256',
      '-in', input, '-signer', signer.certPath, '-inkey', signer.keyPath, '-outform', 'DER', ...certfile])
    return new Uint8Array(der)
  }
}

/** Extension lines of an authentication certificate (NCA AUTH profile shape). */
export const AUTH_EXTENSIONS = [
  'basicConstraints = critical,CA:FALSE',
  'keyUsage = critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage = clientAuth',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
]

/** YYYYMMDDHHMMSSZ for `openssl ca -startdate/-enddate`. */
export function opensslDate(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z')
}
