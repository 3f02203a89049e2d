/**
 * The in-browser half of bench/gost.bench.ts: src/pki/gost loaded lazily as the app loads it,
 * WebCrypto P-256 as the baseline in the same page, and the real Keystore for the unlock the
 * GOST signature is weighed against. Each function returns timings in milliseconds.
 */
import { Keystore } from '../../src/keystore/index.ts'

const PASSWORD = 'Qwerty12'

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const start = performance.now()
  const result = await fn()
  return [performance.now() - start, result]
}

/** Lazy import of the GOST chunk, then sign/verify per second for both NCA families and P-256. */
async function signVerify(seconds: number): Promise<Record<string, { sign: number; verify: number }> & { importMs: number; firstUse: Record<string, number> }> {
  const [importMs, gost] = await time(() => import('../../src/pki/gost/index.ts'))
  const message = crypto.getRandomValues(new Uint8Array(1024))
  const out: Record<string, { sign: number; verify: number }> = {}
  const firstUse: Record<string, number> = {}
  const rate = async (fn: () => unknown | Promise<unknown>) => {
    let n = 0
    const start = performance.now()
    while (performance.now() - start < seconds * 1000) {
      await fn()
      n++
    }
    return n / ((performance.now() - start) / 1000)
  }
  for (const algorithm of [gost.GOST_2004, gost.GOST_2015_512]) {
    const curve = algorithm.curve()
    const d = gost.randomScalar(curve, (b) => crypto.getRandomValues(b))
    // First use builds the curve's base-point tables: reported apart, once.
    firstUse[algorithm.name] = (await time(() => gost.publicPointOf(curve, d)))[0]
    const q = gost.publicPointOf(curve, d)
    const sign = () => gost.signDigest(curve, d, gost.digestToNumber(algorithm.digest(message)))
    const signature = sign()
    if (!gost.verifyDigest(curve, q, gost.digestToNumber(algorithm.digest(message)), signature)) throw new Error('GOST self-check failed')
    out[algorithm.name] = {
      sign: await rate(sign),
      verify: await rate(() => gost.verifyDigest(curve, q, gost.digestToNumber(algorithm.digest(message)), signature)),
    }
  }
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
  const params = { name: 'ECDSA', hash: 'SHA-256' }
  const p256sig = await crypto.subtle.sign(params, pair.privateKey, message)
  out['WebCrypto P-256'] = {
    sign: await rate(() => crypto.subtle.sign(params, pair.privateKey, message)),
    verify: await rate(() => crypto.subtle.verify(params, pair.publicKey, p256sig, message)),
  }
  return Object.assign(out, { importMs, firstUse })
}

/** GOST-512 signatures (hash of 1 KiB + sign) vs unlocking a container (600,000 iterations), interleaved. */
async function sign512VsUnlock(p12: Uint8Array, rounds: number): Promise<{ sign: number[]; unlock: number[] }> {
  const gost = await import('../../src/pki/gost/index.ts')
  const keystore = new Keystore({ dbName: `gost-bench-${Date.now()}`, idleLockMs: 0 })
  const container = await keystore.importPkcs12(p12, PASSWORD)
  const curve = gost.GOST_2015_512.curve()
  const d = gost.randomScalar(curve, (b) => crypto.getRandomValues(b))
  const message = crypto.getRandomValues(new Uint8Array(1024))
  gost.signDigest(curve, d, 1n)
  const sign: number[] = []
  const unlock: number[] = []
  for (let i = 0; i < rounds; i++) {
    keystore.lockContainer(container.id)
    unlock.push((await time(() => keystore.unlockContainer(container.id, PASSWORD)))[0])
    sign.push((await time(() => gost.signDigest(curve, d, gost.digestToNumber(gost.GOST_2015_512.digest(message)))))[0])
  }
  keystore.close()
  return { sign, unlock }
}

declare global {
  interface Window {
    gostBench: { signVerify: typeof signVerify; sign512VsUnlock: typeof sign512VsUnlock }
  }
}
window.gostBench = { signVerify, sign512VsUnlock }
document.title = 'ready'
