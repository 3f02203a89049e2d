/**
 * PKCS#12 speed in Node (native WebCrypto), every baseline measured in the same run:
 * - NCA RSA file import (readPkcs12 + WebCrypto importKey), median of N, vs the same file opened
 *   by an `openssl pkcs12 -legacy` subprocess, and vs the bare RFC 7292 KDF work the file demands
 *   (MAC + key + IV derivations at 1,024 iterations);
 * - the modern profile (300,000 iterations) written and read, vs its intrinsic cost: two WebCrypto
 *   PBKDF2 runs plus the JavaScript MAC KDF, and vs `openssl pkcs12 -info` on the same file.
 * The browser-side import figure lives in keystore.bench.ts (Chromium).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { KdfPurpose, pkcs12Kdf } from '../src/pki/pkcs12/kdf.ts'
import { readPkcs12, writePkcs12 } from '../src/pki/pkcs12/index.ts'
import { MODERN_ITERATIONS } from '../src/pki/pkcs12/write.ts'

const NCA_AUTH = resolve('test/fixtures/nca-test-keys/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12')
const NCA_PASSWORD = 'Qwerty12'
const RUNS = 15
const MODERN_RUNS = 3

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
const ms = (x: number) => `${x.toFixed(1)} ms`.padStart(11)

async function timeMedian(runs: number, task: () => unknown): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await task()
    times.push(performance.now() - started)
  }
  return median(times)
}

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args)
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr.toString()}`)
}

async function importNca(bytes: Uint8Array): Promise<void> {
  const { keys } = await readPkcs12(bytes, NCA_PASSWORD)
  await crypto.subtle.importKey('pkcs8', new Uint8Array(keys[0]!.pkcs8), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
}

/** The KDF work an NCA file needs: MAC key, then key + IV for the key bag and for the certificate bag. */
function ncaKdfWork(): void {
  const salt = new Uint8Array(20)
  pkcs12Kdf('SHA-1', NCA_PASSWORD, salt, KdfPurpose.mac, 1024, 20)
  for (const keyLength of [24, 5]) {
    pkcs12Kdf('SHA-1', NCA_PASSWORD, salt, KdfPurpose.key, 1024, keyLength)
    pkcs12Kdf('SHA-1', NCA_PASSWORD, salt, KdfPurpose.iv, 1024, 8)
  }
}

async function pbkdf2(iterations: number): Promise<void> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode('bench'), 'PBKDF2', false, ['deriveBits'])
  await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations }, material, 256)
}

export async function run(): Promise<void> {
  const nca = new Uint8Array(readFileSync(NCA_AUTH))
  await importNca(nca) // warm-up: module init, JIT
  const ours = await timeMedian(RUNS, () => importNca(nca))
  const subprocess = await timeMedian(RUNS, () =>
    openssl(['pkcs12', '-legacy', '-in', NCA_AUTH, '-passin', `pass:${NCA_PASSWORD}`, '-nodes', '-out', '/dev/null']),
  )
  const kdf = await timeMedian(RUNS, ncaKdfWork)
  console.info(`NCA RSA file import (read + importKey), median of ${RUNS}:`)
  console.info(`  readPkcs12 + importKey        ${ms(ours)}`)
  console.info(`  openssl pkcs12 -legacy (spawn) ${ms(subprocess)}   ratio ours/openssl ${(ours / subprocess).toFixed(2)}×`)
  console.info(`  bare RFC 7292 KDF work         ${ms(kdf)}   ratio ours/KDF ${(ours / kdf).toFixed(2)}×`)

  const { keys, certificates } = await readPkcs12(nca, NCA_PASSWORD)
  const entries = [{ pkcs8: keys[0]!.pkcs8, certificate: certificates[0]!.der }]
  let modern: Uint8Array = new Uint8Array()
  const write = await timeMedian(MODERN_RUNS, async () => {
    modern = await writePkcs12({ entries, password: 'bench', compatibility: 'modern' })
  })
  const read = await timeMedian(MODERN_RUNS, () => readPkcs12(modern, 'bench'))
  const raw = await timeMedian(MODERN_RUNS, async () => {
    await pbkdf2(MODERN_ITERATIONS)
    await pbkdf2(MODERN_ITERATIONS)
    pkcs12Kdf('SHA-256', 'bench', new Uint8Array(16), KdfPurpose.mac, MODERN_ITERATIONS, 32)
  })
  const dir = mkdtempSync(join(tmpdir(), 'qoltanba-p12-bench-'))
  try {
    const file = join(dir, 'modern.p12')
    writeFileSync(file, modern)
    const info = await timeMedian(MODERN_RUNS, () => openssl(['pkcs12', '-info', '-noout', '-in', file, '-passin', 'pass:bench']))
    const legacy = await timeMedian(RUNS, () => writePkcs12({ entries, password: 'bench', compatibility: 'legacy' }))
    console.info(`Modern profile (${MODERN_ITERATIONS.toLocaleString('en')} iterations), median of ${MODERN_RUNS}:`)
    console.info(`  writePkcs12 modern             ${ms(write)}   ratio to intrinsic ${(write / raw).toFixed(2)}×`)
    console.info(`  readPkcs12 modern              ${ms(read)}   ratio to intrinsic ${(read / raw).toFixed(2)}×`)
    console.info(`  intrinsic: 2×PBKDF2 + JS MAC KDF ${ms(raw)}`)
    console.info(`  openssl pkcs12 -info (spawn)   ${ms(info)}   ratio read ours/openssl ${(read / info).toFixed(2)}×`)
    console.info(`  writePkcs12 legacy (2,048 it.) ${ms(legacy)}   (median of ${RUNS})`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
