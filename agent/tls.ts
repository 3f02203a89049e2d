/**
 * The agent's TLS certificate for 127.0.0.1, generated on first run into `<dataDir>/tls/` with
 * pkijs over Node's WebCrypto (no OpenSSL needed on Windows/macOS). It is self-signed, valid for
 * 127.0.0.1 and localhost only (SAN), serverAuth only, CA:false, so trusting it lets it vouch for
 * nothing else. agent/README.md shows how to add it to each OS's trust store.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { webcrypto } from 'node:crypto'
import { join } from 'node:path'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { buildName } from '../src/pki/names.ts'
import { keyUsageBitString } from '../src/pki/extensions.ts'
import { EkuOid, ExtensionOid } from '../src/pki/oids.ts'
import { toPem } from '../src/pki/pem.ts'

const crypto = webcrypto as unknown as Crypto

/** Builds a new self-signed certificate and key (PEM). */
async function createLoopbackCertificate(now = new Date()): Promise<{ cert: string; key: string }> {
  const engine = new pkijs.CryptoEngine({ name: 'node', crypto })
  const keys = (await crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair
  const cert = new pkijs.Certificate()
  cert.version = 2
  cert.serialNumber = new asn1js.Integer({ valueHex: crypto.getRandomValues(new Uint8Array(16)).map((b, i) => (i === 0 ? b & 0x7f : b)) })
  const name = buildName({ commonName: '127.0.0.1', organization: 'Qoltanba local agent' })
  cert.subject = name
  cert.issuer = name
  cert.notBefore.value = new Date(now.getTime() - 60_000)
  cert.notAfter.value = new Date(now.getTime() + 825 * 86_400_000) // Apple's limit for TLS server certificates
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, engine)
  const san = new pkijs.GeneralNames({
    names: [
      new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: new Uint8Array([127, 0, 0, 1]) }) }),
      new pkijs.GeneralName({ type: 2, value: 'localhost' }),
    ],
  })
  cert.extensions = [
    new pkijs.Extension({ extnID: ExtensionOid.basicConstraints, critical: true, extnValue: new pkijs.BasicConstraints({ cA: false }).toSchema().toBER() }),
    new pkijs.Extension({ extnID: ExtensionOid.keyUsage, critical: true, extnValue: keyUsageBitString(['digitalSignature', 'keyEncipherment']).toBER() }),
    new pkijs.Extension({ extnID: ExtensionOid.extKeyUsage, extnValue: new pkijs.ExtKeyUsage({ keyPurposes: [EkuOid.serverAuth] }).toSchema().toBER() }),
    new pkijs.Extension({ extnID: ExtensionOid.subjectAltName, extnValue: san.toSchema().toBER() }),
  ]
  await cert.sign(keys.privateKey, 'SHA-256', engine)
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey)
  return { cert: toPem(new Uint8Array(cert.toSchema(true).toBER()), 'CERTIFICATE'), key: toPem(new Uint8Array(pkcs8), 'PRIVATE KEY') }
}

/** Loads `<dataDir>/tls/{cert,key}.pem`, creating them on first run. */
export async function ensureLoopbackCertificate(dataDir: string): Promise<{ cert: string; key: string; certPath: string; created: boolean }> {
  const dir = join(dataDir, 'tls')
  const certPath = join(dir, 'cert.pem')
  const keyPath = join(dir, 'key.pem')
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath, created: false }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const made = await createLoopbackCertificate()
  writeFileSync(keyPath, made.key, { mode: 0o600 })
  writeFileSync(certPath, made.cert, { mode: 0o644 })
  return { ...made, certPath, created: true }
}
