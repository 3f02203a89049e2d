/**
 * Test material for the PKCS#12 suite: keys, certificates and .p12 files made by OpenSSL and Java
 * keytool in a scratch folder (the independent producers we must read).
 */
import { spawnSync } from 'node:child_process'
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openssl, type OpenSsl } from '../openssl.ts'

export const PASSWORD = 'secret-Пароль-1'

/** Runs keytool in `dir`; throws with its output on failure. */
export function keytool(dir: string, args: string[]): string {
  const r = spawnSync('keytool', args, { cwd: dir, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`keytool ${args.join(' ')} failed: ${r.stdout}${r.stderr}`)
  return `${r.stdout}${r.stderr}`
}

/** SPKI DER of a PKCS#8 private key (Node derives the public half). */
export function publicKeyOfPkcs8(pkcs8: Uint8Array): Buffer {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })
  return createPublicKey(key).export({ type: 'spki', format: 'der' })
}

/** SPKI DER of a certificate. */
export function publicKeyOfCertificate(der: Uint8Array): Buffer {
  return new X509Certificate(Buffer.from(der)).publicKey.export({ type: 'spki', format: 'der' })
}

/** One OpenSSL-made end entity: key, certificate (signed by a test CA) and the CA certificate. */
export interface Identity {
  readonly keyPem: string
  readonly certPem: string
  /** Plain PKCS#8 DER of the key. */
  readonly pkcs8: Uint8Array
  readonly certificate: Uint8Array
  readonly caCertificate: Uint8Array
}

/**
 * How each OpenSSL-made variant is produced (extra `pkcs12 -export` arguments) and what
 * `openssl pkcs12 -info` must report for it, so a variant cannot silently become another one.
 */
export const OPENSSL_VARIANTS = {
  'openssl-default': { args: [], info: ['MAC: sha256', 'PBES2, PBKDF2, AES-256-CBC'] },
  'openssl-legacy': { args: ['-legacy'], info: ['MAC: sha1', 'pbeWithSHA1And40BitRC2-CBC', 'pbeWithSHA1And3-KeyTripleDES-CBC'] },
  'openssl-3des': {
    args: ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
    info: ['MAC: sha1', 'Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC', 'Keybag: pbeWithSHA1And3-KeyTripleDES-CBC'],
  },
  'openssl-2key-3des-rc2-128': {
    args: ['-legacy', '-keypbe', 'PBE-SHA1-2DES', '-certpbe', 'PBE-SHA1-RC2-128'],
    info: ['pbeWithSHA1And128BitRC2-CBC', 'pbeWithSHA1And2-KeyTripleDES-CBC'],
  },
  'openssl-rc4': {
    args: ['-legacy', '-keypbe', 'PBE-SHA1-RC4-128', '-certpbe', 'PBE-SHA1-RC4-40'],
    info: ['pbeWithSHA1And40BitRC4', 'pbeWithSHA1And128BitRC4'],
  },
  'openssl-pbes2-des-ede3': { args: ['-keypbe', 'DES-EDE3-CBC', '-certpbe', 'DES-EDE3-CBC'], info: ['PBES2, PBKDF2, DES-EDE3-CBC'] },
  'openssl-pbes2-aes128-sha512-mac': {
    args: ['-keypbe', 'AES-128-CBC', '-certpbe', 'AES-128-CBC', '-macalg', 'sha512', '-iter', '4096'],
    info: ['MAC: sha512, Iteration 4096', 'AES-128-CBC'],
  },
  'openssl-nomac': { args: ['-nomac'], info: ['MAC is absent'] },
  'openssl-nomac-unencrypted': { args: ['-nomac', '-keypbe', 'NONE', '-certpbe', 'NONE'], info: ['MAC is absent', 'Key bag'] },
} as const satisfies Record<string, { args: readonly string[]; info: readonly string[] }>

export type OpenSslVariant = keyof typeof OPENSSL_VARIANTS

/** A scratch folder with a CA, an RSA and an EC identity. */
export class Material {
  readonly ssl: OpenSsl = openssl('qoltanba-p12-')
  readonly rsa: Identity
  readonly ec: Identity

  constructor() {
    const { ssl } = this
    ssl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=P12 Test CA'])
    this.rsa = this.identity('rsa', ['-newkey', 'rsa:2048'], '/CN=Алия Тестова/serialNumber=IIN123456789011')
    this.ec = this.identity('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], '/CN=EC Holder')
  }

  private identity(name: string, keyArgs: string[], subject: string): Identity {
    const { ssl } = this
    ssl.run(['req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject, '-utf8'])
    ssl.run(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-out', `${name}.pem`])
    ssl.run(['pkcs8', '-topk8', '-nocrypt', '-in', `${name}.key`, '-outform', 'DER', '-out', `${name}.p8`])
    ssl.run(['x509', '-in', `${name}.pem`, '-outform', 'DER', '-out', `${name}.der`])
    ssl.run(['x509', '-in', 'ca.pem', '-outform', 'DER', '-out', 'ca.der'])
    return {
      keyPem: ssl.path(`${name}.key`),
      certPem: ssl.path(`${name}.pem`),
      pkcs8: ssl.read(`${name}.p8`),
      certificate: ssl.read(`${name}.der`),
      caCertificate: ssl.read('ca.der'),
    }
  }

  /** An OpenSSL `pkcs12 -export` of `who` with the CA as chain, friendly name "alice". */
  openSslP12(variant: OpenSslVariant, who: Identity = this.rsa, password = PASSWORD): Uint8Array {
    const out = `${variant}-${who === this.rsa ? 'rsa' : 'ec'}.p12`
    this.ssl.run([
      'pkcs12', '-export', '-in', who.certPem, '-inkey', who.keyPem, '-certfile', this.ssl.path('ca.pem'),
      '-name', 'alice', '-passout', `pass:${password}`, '-out', out, ...OPENSSL_VARIANTS[variant].args,
    ])
    const info = this.ssl.run(['pkcs12', '-info', '-legacy', '-noout', '-in', out, '-passin', `pass:${password}`])
    for (const fragment of OPENSSL_VARIANTS[variant].info) {
      if (!info.includes(fragment)) throw new Error(`${variant} is not what it claims: no "${fragment}" in ${info}`)
    }
    return this.ssl.read(out)
  }

  /** A keytool-generated keystore (EC P-256 self-signed), default or `-J-Dkeystore.pkcs12.legacy`. */
  keytoolP12(legacy: boolean, password = 'keytool-pass'): Uint8Array {
    const file = legacy ? 'keytool-legacy.p12' : 'keytool-default.p12'
    keytool(this.ssl.dir, [
      ...(legacy ? ['-J-Dkeystore.pkcs12.legacy'] : []),
      '-genkeypair', '-alias', 'bob', '-keyalg', 'EC', '-groupname', 'secp256r1', '-dname', 'CN=Bob Keytool',
      '-validity', '30', '-storetype', 'PKCS12', '-keystore', file, '-storepass', password,
    ])
    const info = this.ssl.run(['pkcs12', '-info', '-legacy', '-noout', '-in', file, '-passin', `pass:${password}`])
    const expected = legacy ? ['MAC: sha1, Iteration 100000', 'pbeWithSHA1And40BitRC2-CBC', 'pbeWithSHA1And3-KeyTripleDES-CBC'] : ['MAC: sha256', 'AES-256-CBC']
    for (const fragment of expected) if (!info.includes(fragment)) throw new Error(`${file}: no "${fragment}" in ${info}`)
    return new Uint8Array(readFileSync(join(this.ssl.dir, file)))
  }

  /**
   * A file with no password at all (zero password bytes for MAC and PBE), written by OpenSSL's
   * PKCS12_create(NULL, …) through null-password-p12.py: PBES2/AES-256, or 3DES when `legacy`.
   */
  nullPasswordP12(legacy: boolean, who: Identity = this.rsa): Uint8Array {
    const out = `null-password-${legacy ? 'legacy' : 'default'}.p12`
    const script = fileURLToPath(new URL('./null-password-p12.py', import.meta.url))
    const r = spawnSync('python3', [script, who.keyPem, who.certPem, this.ssl.path(out), ...(legacy ? ['legacy'] : [])], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`null-password-p12.py failed: ${r.stdout}${r.stderr}`)
    // OpenSSL itself opens it with an empty password (PKCS12_parse tries NULL as well as "").
    this.ssl.run(['pkcs12', '-info', '-noout', '-in', out, '-passin', 'pass:'])
    return this.ssl.read(out)
  }

  cleanup(): void {
    this.ssl.cleanup()
  }
}
