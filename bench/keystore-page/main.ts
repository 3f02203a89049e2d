/**
 * The in-browser half of bench/keystore.bench.ts: the real keystore and pki modules, plus the
 * baselines (raw WebCrypto, node-forge pure JS), exposed as `window.keystoreBench`. Each
 * function returns timings in milliseconds; the Node side aggregates and prints them.
 */
import forge from 'node-forge'
import { Keystore, WebAuthnPasskeys } from '../../src/keystore/index.ts'
import { createCsr } from '../../src/pki/csr.ts'
import { signCms } from '../../src/pki/cms.ts'

const SUBJECT = { commonName: 'ТЕСТОВ ТЕСТ', surname: 'ТЕСТОВ', serialNumber: 'IIN123456789011', country: 'KZ' }
const RSA: RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
const PASSWORD = 'bench-password'

let keystore: Keystore | null = null
function ks(): Keystore {
  keystore ??= new Keystore({ dbName: `keystore-bench-${Date.now()}`, idleLockMs: 0 })
  return keystore
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now()
  const result = await fn()
  return [performance.now() - start, result]
}

/** Container unlock (600,000 iterations) vs raw PBKDF2 deriveBits with the same count, interleaved. */
async function unlockVsPbkdf2(rounds: number): Promise<{ unlock: number[]; pbkdf2: number[] }> {
  const { container } = await ks().createContainer({ name: 'Unlock bench', password: PASSWORD })
  const unlock: number[] = []
  const pbkdf2: number[] = []
  const salt = crypto.getRandomValues(new Uint8Array(16))
  for (let i = 0; i < rounds; i++) {
    ks().lockContainer(container.id)
    unlock.push((await time(() => ks().unlockContainer(container.id, PASSWORD)))[0])
    pbkdf2.push(
      (
        await time(async () => {
          const base = await crypto.subtle.importKey('raw', new TextEncoder().encode(PASSWORD), 'PBKDF2', false, ['deriveBits'])
          return crypto.subtle.deriveBits({ name: 'PBKDF2', salt, iterations: 600_000, hash: 'SHA-256' }, base, 256)
        })
      )[0],
    )
  }
  return { unlock, pbkdf2 }
}

/**
 * Passkey unlock vs password unlock of one RSA-2048 container, interleaved. The passkey side is
 * split: the authenticator's assertion (Chromium's virtual authenticator, added by the Node side)
 * and our part (everything else: reads, HKDF, AES-GCM, key import, session).
 */
async function passkeyVsPassword(rounds: number): Promise<{ ours: number[]; authenticator: number[]; password: number[] }> {
  const { container } = await ks().createContainer({ name: 'Passkey bench', password: PASSWORD })
  const authenticator = new WebAuthnPasskeys()
  await ks().addPasskey(container.id, PASSWORD, authenticator, 'Bench')
  const ours: number[] = []
  const assertion: number[] = []
  const password: number[] = []
  for (let i = 0; i < rounds; i++) {
    ks().lockContainer(container.id)
    const timing = { authenticatorMs: 0 }
    const [total] = await time(() => ks().unlockWithPasskey(container.id, authenticator, timing))
    ours.push(total - timing.authenticatorMs)
    assertion.push(timing.authenticatorMs)
    ks().lockContainer(container.id)
    password.push((await time(() => ks().unlockContainer(container.id, PASSWORD)))[0])
  }
  return { ours, authenticator: assertion, password }
}

/** RSA-2048 keygen + CSR (split into its two parts) vs raw keygen, interleaved. */
async function keygenCsrVsRaw(rounds: number): Promise<{ oursKeygen: number[]; oursCsr: number[]; raw: number[] }> {
  const oursKeygen: number[] = []
  const oursCsr: number[] = []
  const raw: number[] = []
  for (let i = 0; i < rounds; i++) {
    const [keygen, keys] = await time(() => crypto.subtle.generateKey(RSA, false, ['sign', 'verify']) as Promise<CryptoKeyPair>)
    const [csr] = await time(() => createCsr({ subject: SUBJECT, keys, keyUsage: ['digitalSignature', 'nonRepudiation'] }))
    oursKeygen.push(keygen)
    oursCsr.push(csr)
    raw.push((await time(() => crypto.subtle.generateKey(RSA, false, ['sign', 'verify'])))[0])
  }
  return { oursKeygen, oursCsr, raw }
}

/** The keystore's whole "new container" (keygen, PKCS#8 encryption with 600,000 iterations, IndexedDB) + CSR. */
async function keystoreCreateWithCsr(rounds: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < rounds; i++) {
    times.push(
      (
        await time(async () => {
          const { keyPair } = await ks().createContainer({ name: `Create ${i}`, password: PASSWORD })
          return createCsr({ subject: SUBJECT, keys: keyPair })
        })
      )[0],
    )
  }
  return times
}

/** node-forge pure-JavaScript RSA-2048 keygen (synchronous) + CSR, as a JS-only app would do it. */
function forgeKeygenCsr(rounds: number): number[] {
  // Not in @types/node-forge: forces the pure-JS code paths (no native or WebCrypto help).
  ;(forge as unknown as { options: { usePureJavaScript: boolean } }).options.usePureJavaScript = true
  const times: number[] = []
  for (let i = 0; i < rounds; i++) {
    const start = performance.now()
    const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 })
    const csr = forge.pki.createCertificationRequest()
    csr.publicKey = keys.publicKey
    csr.setSubject([{ name: 'commonName', value: 'TEST' }])
    csr.sign(keys.privateKey, forge.md.sha256.create())
    times.push(performance.now() - start)
  }
  return times
}

/**
 * P-256 CMS SignedData through the keystore vs a raw WebCrypto ECDSA signature of the same data.
 * Timed in batches: a raw signature is shorter than Chromium's coarsened timer (0.1 ms).
 */
async function cmsVsRawSignature(
  p12: Uint8Array,
  password: string,
  batches: number,
  perBatch: number,
): Promise<{ cms: number[]; pkiCms: number[]; raw: number[] }> {
  const container = await ks().importPkcs12(p12, password, { name: 'P-256 bench' })
  const key = container.keys[0]!
  const privateKey = ks().privateKey(container.id, key.id)
  const data = crypto.getRandomValues(new Uint8Array(4096))
  const certificate = container.certificates.find((c) => c.keyId === key.id)!.der
  const cms: number[] = []
  const pkiCms: number[] = []
  const raw: number[] = []
  for (let i = 0; i < batches; i++) {
    const [cmsBatch] = await time(async () => {
      for (let j = 0; j < perBatch; j++) await ks().signCms(container.id, key.id, data, { detached: true })
    })
    const [pkiBatch] = await time(async () => {
      for (let j = 0; j < perBatch; j++) await signCms({ data, privateKey, certificate, detached: true })
    })
    const [rawBatch] = await time(async () => {
      for (let j = 0; j < perBatch; j++) await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, data)
    })
    cms.push(cmsBatch / perBatch)
    pkiCms.push(pkiBatch / perBatch)
    raw.push(rawBatch / perBatch)
  }
  return { cms, pkiCms, raw }
}

/** Importing an NCA RSA key file (legacy PKCS#12 read + re-encryption at 600,000 iterations + IndexedDB). */
async function ncaImport(p12: Uint8Array, password: string, rounds: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < rounds; i++) times.push((await time(() => ks().importPkcs12(p12, password)))[0])
  return times
}

declare global {
  interface Window {
    keystoreBench: typeof api
  }
}

const api = { unlockVsPbkdf2, passkeyVsPassword, keygenCsrVsRaw, keystoreCreateWithCsr, forgeKeygenCsr, cmsVsRawSignature, ncaImport }
window.keystoreBench = api
document.title = 'ready'
