/**
 * Configuration from the environment, validated once at start. Every problem is reported with
 * its own line so a misconfigured deployment fails loudly and completely, not one error at a time.
 */
import { resolve } from 'node:path'

export interface ServerConfig {
  /** TCP port of the app + API. */
  readonly port: number
  /** Interface to listen on. */
  readonly host: string
  /** Where the embedded database, CA keys and demo files live. */
  readonly dataDir: string
  /** The built PWA that the server serves. */
  readonly distDir: string
  /** Public origin used in certificates (AIA, CRL DP) and sign-in payloads. */
  readonly publicUrl: string
  /** PostgreSQL server; when absent the embedded PGlite in dataDir is used. */
  readonly databaseUrl: string | undefined
  /** Log level for the structured logger. */
  readonly logLevel: string
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/** Reads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const problems: string[] = []
  const port = Number(env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be a TCP port number, got "${env.PORT}"`)
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, '')
  try {
    const u = new URL(publicUrl)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`PUBLIC_URL must be http(s), got "${publicUrl}"`)
  } catch {
    problems.push(`PUBLIC_URL must be an absolute URL, got "${publicUrl}"`)
  }
  const databaseUrl = env.DATABASE_URL || undefined
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must start with postgres:// or postgresql://')
  if (problems.length) throw new ConfigError(problems)
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(cwd, env.DATA_DIR ?? 'data'),
    distDir: resolve(cwd, env.DIST_DIR ?? 'dist'),
    publicUrl,
    databaseUrl,
    logLevel: env.LOG_LEVEL ?? 'info',
  }
}
