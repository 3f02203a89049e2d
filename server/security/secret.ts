/**
 * The server secret: 32 random bytes in DATA_DIR/server.secret (or SERVER_SECRET_FILE), created
 * on first use with mode 0600. Purpose-specific keys are derived from it with HKDF, so one file
 * serves the access-code keys without reusing a key for two jobs.
 * Several instances behind a load balancer must share the file.
 */
import { hkdfSync, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

const SECRET_BYTES = 32

/** Reads the secret, creating it when missing (race-safe: the first writer wins). */
export function loadServerSecret(path: string): Buffer {
  try {
    const s = readFileSync(path)
    if (s.length < SECRET_BYTES) throw new Error(`server secret ${path} is shorter than ${SECRET_BYTES} bytes`)
    return s
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  try {
    writeFileSync(path, randomBytes(SECRET_BYTES), { mode: 0o600, flag: 'wx' })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
  }
  return readFileSync(path)
}

export type KeyPurpose =
  | 'access-code'
  | 'access-code-pepper'
  // OpenID Connect provider (server/oidc): signing keys and client secrets at rest, pairwise subjects, cookies.
  | 'oidc-keys'
  | 'oidc-client-secrets'
  | 'oidc-pairwise'
  | 'oidc-cookies'

/** A 32-byte key for one purpose, derived from the server secret. */
export function deriveKey(secret: Buffer, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `qoltanba/${purpose}`, 32))
}
