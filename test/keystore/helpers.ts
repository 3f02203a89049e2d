/**
 * Keystore test helpers: a fresh keystore per test over fake-indexeddb with Node's native
 * WebCrypto (its CryptoKeys are real, structured-cloneable keys), the NCA fixtures, a clock.
 */
import 'fake-indexeddb/auto'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Keystore, type KeystoreOptions } from '../../src/keystore/index.ts'

/** Low PBKDF2 count for speed; the default (600,000) is exercised by its own test. */
export const TEST_ITERATIONS = 2_000

/** A keystore on a database of its own. */
export function newKeystore(options: KeystoreOptions = {}): Keystore {
  return new Keystore({ dbName: `keystore-test-${randomUUID()}`, iterations: TEST_ITERATIONS, idleLockMs: 0, ...options })
}

/** A clock the test moves by hand (the wrong-password delay reads it). */
export function manualClock(start = Date.UTC(2026, 10, 23, 12)) {
  let now = start
  return {
    now: () => now,
    advance(ms: number) {
      now += ms
    },
  }
}

const FIXTURE_DIRS = [join(import.meta.dirname, '../fixtures/nca-test-keys'), '/work/shared/fixtures/nca-test-keys']
const fixtureDir = FIXTURE_DIRS.find((d) => existsSync(d)) ?? FIXTURE_DIRS[0]!

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixtureDir, name)))
}

/** NCA test key files (password Qwerty12): two RSA-2048 and one GOST. */
export const nca = {
  password: 'Qwerty12',
  auth: () => fixture('AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12'),
  sign: () => fixture('RSA256_8426360556902ce4ac33977836f873e1dc190976.p12'),
  gost: () => fixture('GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12'),
}

/** Expects `promise` to reject with a QoltanbaError of `code`; returns the error. */
export async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<{ code: string; details: Record<string, unknown> }> {
  try {
    await promise
  } catch (e) {
    const error = e as { code?: string; details?: Record<string, unknown> }
    if (error.code !== code) throw new Error(`expected ${code}, got ${error.code ?? String(e)}`, { cause: e })
    return { code, details: error.details ?? {} }
  }
  throw new Error(`expected ${code}, but it resolved`)
}
