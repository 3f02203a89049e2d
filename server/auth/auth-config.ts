/**
 * Sign-in settings from the environment (read by buildApp; tests pass their own):
 * TRUST_ANCHORS_DIR (extra trusted roots, e.g. the NCA RK roots, as .pem/.crt/.cer/.der files),
 * SESSION_TTL_MINUTES (absolute, default 480), SESSION_IDLE_MINUTES (default 30),
 * REVOCATION_TIMEOUT_MS (OCSP/CRL fetch timeout for foreign CAs, default 3000).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { derOfFile } from '../../src/pki/pem.ts'
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from './sessions.ts'

export interface AuthConfig {
  readonly trustAnchorsDir: string | undefined
  readonly session: SessionPolicy
  readonly revocationTimeoutMs: number
}

function minutes(env: NodeJS.ProcessEnv, name: string, fallbackMs: number): number {
  const raw = env[name]
  if (!raw) return fallbackMs
  const n = Number(raw)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number of minutes, got "${raw}"`)
  return n * 60_000
}

/** Reads the sign-in settings; throws an Error naming the bad variable. */
export function loadAuthConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AuthConfig {
  const timeout = Number(env.REVOCATION_TIMEOUT_MS || 3000)
  if (!Number.isInteger(timeout) || timeout <= 0) throw new Error(`REVOCATION_TIMEOUT_MS must be a positive integer, got "${env.REVOCATION_TIMEOUT_MS}"`)
  return {
    trustAnchorsDir: env.TRUST_ANCHORS_DIR ? resolve(cwd, env.TRUST_ANCHORS_DIR) : undefined,
    session: {
      absoluteMs: minutes(env, 'SESSION_TTL_MINUTES', DEFAULT_SESSION_POLICY.absoluteMs),
      idleMs: minutes(env, 'SESSION_IDLE_MINUTES', DEFAULT_SESSION_POLICY.idleMs),
    },
    revocationTimeoutMs: timeout,
  }
}

/** DER certificates from PEM text (any number of CERTIFICATE blocks) or from a DER file. */
export function certificatesFromFile(bytes: Uint8Array): Uint8Array[] {
  return derOfFile(bytes, 'CERTIFICATE')
}

/** Every certificate in the .pem/.crt/.cer/.der files of `dir` (not recursive). */
export function loadTrustAnchorFiles(dir: string): Uint8Array[] {
  const out: Uint8Array[] = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (!/\.(pem|crt|cer|der)$/i.test(name) || !statSync(path).isFile()) continue
    out.push(...certificatesFromFile(new Uint8Array(readFileSync(path))))
  }
  return out
}
