/**
 * Operations settings from the environment (metrics, load shedding, shutdown, job and change
 * propagation periods), read apart from config.ts so the operations layer can be reasoned about
 * on its own. Problems are reported all at once, like config.ts does.
 */
import { ConfigError } from '../config.ts'

export interface OpsConfig {
  /** METRICS_TOKEN: /metrics on the main port answers only `Authorization: Bearer <token>`. */
  readonly metricsToken: string | undefined
  /** METRICS_PORT: /metrics (no token) on its own listener, bound to METRICS_HOST. */
  readonly metricsPort: number | undefined
  /** METRICS_HOST (default 127.0.0.1: a scraper on the same host or network namespace). */
  readonly metricsHost: string
  /** SHUTDOWN_TIMEOUT_MS: how long SIGTERM waits for in-flight requests (default 10 s). */
  readonly shutdownTimeoutMs: number
  /**
   * LOAD_MAX_EVENT_LOOP_DELAY_MS: shed load above this event-loop delay (default 0 = off). Off
   * unless a deployment sets it: one long synchronous step (a CA key's PBKDF2 at start, a test's
   * key generation) would otherwise turn away the requests right after it.
   */
  readonly maxEventLoopDelayMs: number
  /** LOAD_MAX_HEAP_BYTES: shed load above this heap use (default 0 = off). */
  readonly maxHeapUsedBytes: number
  /** LOAD_RETRY_AFTER_S: the Retry-After of a shed request (default 5). */
  readonly retryAfterSeconds: number
  /** CHANGE_CHECK_MS: the periodic check behind LISTEN/NOTIFY (default 30 s). */
  readonly changeCheckMs: number
}

function nonNegativeInt(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) {
    problems.push(`${name} must be a non-negative integer, got "${raw}"`)
    return fallback
  }
  return n
}

export function loadOpsConfig(env: NodeJS.ProcessEnv = process.env): OpsConfig {
  const problems: string[] = []
  const metricsToken = env.METRICS_TOKEN || undefined
  // A short token is guessable by a scraper of scrapers: the metrics name routes and volumes.
  if (metricsToken !== undefined && metricsToken.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters')
  let metricsPort: number | undefined
  if (env.METRICS_PORT) {
    metricsPort = Number(env.METRICS_PORT)
    if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) problems.push(`METRICS_PORT must be a TCP port number, got "${env.METRICS_PORT}"`)
  }
  const config: OpsConfig = {
    metricsToken,
    metricsPort,
    metricsHost: env.METRICS_HOST || '127.0.0.1',
    shutdownTimeoutMs: nonNegativeInt(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, problems),
    maxEventLoopDelayMs: nonNegativeInt(env, 'LOAD_MAX_EVENT_LOOP_DELAY_MS', 0, problems),
    maxHeapUsedBytes: nonNegativeInt(env, 'LOAD_MAX_HEAP_BYTES', 0, problems),
    retryAfterSeconds: nonNegativeInt(env, 'LOAD_RETRY_AFTER_S', 5, problems),
    changeCheckMs: nonNegativeInt(env, 'CHANGE_CHECK_MS', 30_000, problems),
  }
  if (problems.length) throw new ConfigError(problems)
  return config
}
