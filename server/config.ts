/**
 * Configuration from the environment, validated once at start. Every problem is reported with
 * its own line so a misconfigured deployment fails loudly and completely, not one error at a time.
 *
 * Secrets (CA key passphrase, PKCS#11 PIN) may come from the variable itself or from a file named
 * by `<NAME>_FILE` (Docker/Kubernetes secrets); setting both is an error, because silently
 * preferring one would hide a deployment mistake.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadRenewalPolicy, type RenewalPolicy } from './renewals/policy.ts'
import { loadTestClockSetting } from './clock.ts'

/** Per-route rate limits (requests per window per client IP). */
export interface RateLimitConfig {
  /** POST /api/v1/persons/lookup. */
  readonly lookupMax: number
  /** GET /api/v1/applications/:number (and its certificates): guessing access codes. */
  readonly statusMax: number
  /** POST /api/v1/applications. */
  readonly submitMax: number
  /** POST /tsp (RATE_LIMIT_TSA). */
  readonly tsaMax: number
  /** Window length in milliseconds. */
  readonly windowMs: number
}

/** PKCS#11 settings; present only when PKCS11_MODULE is set. */
export interface Pkcs11Config {
  /** Path of the PKCS#11 module (.so), e.g. /usr/lib/softhsm/libsofthsm2.so. */
  readonly module: string
  /** User PIN of the token. */
  readonly pin: string
  /** Slot index or id; undefined when the token is chosen by label. */
  readonly slot: number | undefined
  /** Token label; undefined when the token is chosen by slot. */
  readonly tokenLabel: string | undefined
}

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
  /** Passphrase of the CA's encrypted PKCS#8 key files (undefined: the CA layer decides, e.g. dev default). */
  readonly caKeyPassphrase: string | undefined
  /** Key algorithm of a CA hierarchy created by this server (CA_KEY_ALGORITHM; default RSA-3072). */
  readonly caKeyAlgorithm: 'RSA-3072' | 'P-256'
  /** CA keys inside a PKCS#11 token instead of files. */
  readonly pkcs11: Pkcs11Config | undefined
  /**
   * CA_INIT_DEVELOPMENT: with DATABASE_URL, a start on a database without a CA hierarchy makes a
   * development one there (tests, local trials) instead of stopping with CA_HIERARCHY_MISSING.
   */
  readonly caInitDevelopment: boolean
  /** JSON file of the person registry; defaults to the shipped demo persons. */
  readonly registryFile: string
  /** File holding the server secret (keys of the access codes). */
  readonly secretFile: string
  /**
   * Fastify trustProxy: false (default), true, a hop count, or a comma-separated list of proxy
   * addresses/CIDRs. Behind a reverse proxy, rate limits need it to see client addresses.
   */
  readonly trustProxy: boolean | number | string
  /** Maximum request body in bytes. */
  readonly bodyLimit: number
  readonly rateLimit: RateLimitConfig
  /** The timestamp authority at /tsp (TSA_POLICY_OID, TSA_ACCURACY_MS). */
  readonly tsa: TsaConfig
  /** Kiosk deployment (KIOSK, KIOSK_HOSTS, KIOSK_IDLE_SECONDS, KIOSK_WARN_SECONDS). */
  readonly kiosk: KioskConfig
  /** Online renewal (RENEWAL_WINDOW_DAYS, RENEWAL_AUTO_ISSUE, RENEWAL_GRACE_DAYS; server/renewals/policy.ts). */
  readonly renewal: RenewalPolicy
  /** QOLTANBA_TEST_CLOCK=1, honoured only with NODE_ENV=test: a clock tests move (server/clock.ts). */
  readonly testClock?: boolean
}

/** The timestamp authority's token contents; see server/tsa/README.md. */
export interface TsaConfig {
  /** TSA_POLICY_OID: the policy every token names (and the only one a request may ask for). */
  readonly policyOid: string
  /** TSA_ACCURACY_MS: the accuracy every token states, in milliseconds; 0 states none. */
  readonly accuracyMs: number
}

/**
 * The default TSA policy, under the arc ITU-T X.660 keeps for examples (2.999): a development TSA
 * names no one's real policy. A production TSA sets TSA_POLICY_OID to its own. (Not a 2.25 UUID
 * OID: asn1js, and so pkijs-based verifiers, misread arcs above 2^53.)
 */
export const DEFAULT_TSA_POLICY_OID = '2.999.3161.1'

/** Kiosk mode as the deployment sets it; see server/routes/client-config.ts and docs/kiosk.md. */
export interface KioskConfig {
  /** KIOSK=1: every client of this server is a kiosk. */
  readonly all: boolean
  /** KIOSK_HOSTS: host names (Host header, lower case, no port) whose clients are kiosks. */
  readonly hosts: readonly string[]
  /** Quiet time before the idle warning (KIOSK_IDLE_SECONDS, default 120). */
  readonly idleSeconds: number
  /** Countdown of the idle warning (KIOSK_WARN_SECONDS, default 30, at least 20: WCAG 2.2.1). */
  readonly warnSeconds: number
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/** The demo person registry shipped with the project. */
export const DEMO_REGISTRY_FILE = fileURLToPath(new URL('./registry/demo-persons.json', import.meta.url))

function readSecret(env: NodeJS.ProcessEnv, name: string, cwd: string, problems: string[]): string | undefined {
  const direct = env[name]
  const file = env[`${name}_FILE`]
  if (direct !== undefined && direct !== '' && file) {
    problems.push(`set either ${name} or ${name}_FILE, not both`)
    return undefined
  }
  if (file) {
    const path = resolve(cwd, file)
    try {
      // Files written by `echo` end with a newline that is not part of the secret.
      const value = readFileSync(path, 'utf8').replace(/\r?\n$/, '')
      if (!value) problems.push(`${name}_FILE points to an empty file: ${path}`)
      return value || undefined
    } catch {
      problems.push(`${name}_FILE cannot be read: ${path}`)
      return undefined
    }
  }
  return direct === '' ? undefined : direct
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n <= 0) {
    problems.push(`${name} must be a positive integer, got "${raw}"`)
    return fallback
  }
  return n
}

/** Reads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServerConfig {
  const problems: string[] = []
  let port = Number(env.PORT || 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`PORT must be a TCP port number, got "${env.PORT}"`)
    port = 8080 // keeps the derived default PUBLIC_URL from adding a second, confusing problem
  }
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, '')
  try {
    const u = new URL(publicUrl)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') problems.push(`PUBLIC_URL must be http(s), got "${publicUrl}"`)
    else if (u.search || u.hash) problems.push(`PUBLIC_URL must not contain a query or fragment, got "${publicUrl}"`)
  } catch {
    problems.push(`PUBLIC_URL must be an absolute URL, got "${publicUrl}"`)
  }
  const databaseUrl = env.DATABASE_URL || undefined
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) problems.push('DATABASE_URL must start with postgres:// or postgresql://')

  const dataDir = resolve(cwd, env.DATA_DIR || 'data')
  if (existsSync(dataDir) && !statSync(dataDir).isDirectory()) problems.push(`DATA_DIR is not a directory: ${dataDir}`)

  const logLevel = env.LOG_LEVEL || 'info'
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`)
  }

  const caKeyPassphrase = readSecret(env, 'CA_KEY_PASSPHRASE', cwd, problems)
  if (caKeyPassphrase !== undefined && caKeyPassphrase.length < 8) problems.push('CA_KEY_PASSPHRASE must be at least 8 characters')

  const caKeyAlgorithm = (env.CA_KEY_ALGORITHM || 'RSA-3072') as ServerConfig['caKeyAlgorithm']
  if (caKeyAlgorithm !== 'RSA-3072' && caKeyAlgorithm !== 'P-256') problems.push(`CA_KEY_ALGORITHM must be RSA-3072 or P-256, got "${caKeyAlgorithm}"`)

  let pkcs11: Pkcs11Config | undefined
  const pin = readSecret(env, 'PKCS11_PIN', cwd, problems)
  if (env.PKCS11_MODULE) {
    const module = resolve(cwd, env.PKCS11_MODULE)
    if (!existsSync(module)) problems.push(`PKCS11_MODULE does not exist: ${module}`)
    if (!pin) problems.push('PKCS11_MODULE is set but PKCS11_PIN (or PKCS11_PIN_FILE) is missing')
    const slotRaw = env.PKCS11_SLOT || undefined
    const tokenLabel = env.PKCS11_TOKEN_LABEL || undefined
    let slot: number | undefined
    if (slotRaw !== undefined) {
      slot = Number(slotRaw)
      if (!Number.isInteger(slot) || slot < 0) problems.push(`PKCS11_SLOT must be a non-negative integer, got "${slotRaw}"`)
    }
    if (slotRaw !== undefined && tokenLabel !== undefined) problems.push('set either PKCS11_SLOT or PKCS11_TOKEN_LABEL, not both')
    if (slotRaw === undefined && tokenLabel === undefined) problems.push('PKCS11_MODULE is set but neither PKCS11_SLOT nor PKCS11_TOKEN_LABEL is')
    pkcs11 = { module, pin: pin ?? '', slot, tokenLabel }
  } else if (pin || env.PKCS11_SLOT || env.PKCS11_TOKEN_LABEL) {
    problems.push('PKCS11_PIN/PKCS11_SLOT/PKCS11_TOKEN_LABEL are set but PKCS11_MODULE is not')
  }

  const registryFile = env.REGISTRY_FILE ? resolve(cwd, env.REGISTRY_FILE) : DEMO_REGISTRY_FILE
  if (!existsSync(registryFile)) problems.push(`REGISTRY_FILE does not exist: ${registryFile}`)

  let trustProxy: boolean | number | string = false
  const tp = env.TRUST_PROXY?.trim()
  if (tp === 'true') trustProxy = true
  else if (tp && tp !== 'false') {
    if (/^\d+$/.test(tp)) trustProxy = Number(tp)
    else if (/^[0-9a-fA-F.:/, ]+$/.test(tp)) trustProxy = tp
    else problems.push(`TRUST_PROXY must be true, false, a hop count or a list of addresses/CIDRs, got "${tp}"`)
  }

  const bodyLimit = positiveInt(env, 'BODY_LIMIT', 256 * 1024, problems)
  const rateLimit: RateLimitConfig = {
    lookupMax: positiveInt(env, 'RATE_LIMIT_LOOKUP', 30, problems),
    statusMax: positiveInt(env, 'RATE_LIMIT_STATUS', 60, problems),
    submitMax: positiveInt(env, 'RATE_LIMIT_SUBMIT', 30, problems),
    tsaMax: positiveInt(env, 'RATE_LIMIT_TSA', 120, problems),
    windowMs: positiveInt(env, 'RATE_LIMIT_WINDOW_MS', 60_000, problems),
  }

  const tsaPolicyOid = env.TSA_POLICY_OID?.trim() || DEFAULT_TSA_POLICY_OID
  if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(tsaPolicyOid)) problems.push(`TSA_POLICY_OID must be a dotted OID, got "${tsaPolicyOid}"`)
  const tsaAccuracyRaw = env.TSA_ACCURACY_MS?.trim()
  const tsaAccuracyMs = tsaAccuracyRaw === undefined || tsaAccuracyRaw === '' ? 1000 : Number(tsaAccuracyRaw)
  if (!Number.isInteger(tsaAccuracyMs) || tsaAccuracyMs < 0) problems.push(`TSA_ACCURACY_MS must be a whole number of milliseconds (0 or more), got "${tsaAccuracyRaw}"`)
  const tsa: TsaConfig = { policyOid: tsaPolicyOid, accuracyMs: tsaAccuracyMs }

  const kioskFlag = env.KIOSK?.trim().toLowerCase()
  if (kioskFlag && !['1', '0', 'true', 'false'].includes(kioskFlag)) problems.push(`KIOSK must be 1 or 0, got "${env.KIOSK}"`)
  const kiosk: KioskConfig = {
    all: kioskFlag === '1' || kioskFlag === 'true',
    hosts: (env.KIOSK_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean),
    idleSeconds: positiveInt(env, 'KIOSK_IDLE_SECONDS', 120, problems),
    warnSeconds: positiveInt(env, 'KIOSK_WARN_SECONDS', 30, problems),
  }
  if (kiosk.warnSeconds < 20) problems.push(`KIOSK_WARN_SECONDS must be at least 20 (time to extend a session), got ${kiosk.warnSeconds}`)

  const initFlag = env.CA_INIT_DEVELOPMENT?.trim().toLowerCase()
  if (initFlag && !['1', '0', 'true', 'false'].includes(initFlag)) problems.push(`CA_INIT_DEVELOPMENT must be true or false, got "${env.CA_INIT_DEVELOPMENT}"`)

  const renewal = loadRenewalPolicy(env, problems)
  const testClock = loadTestClockSetting(env, problems)

  if (problems.length) throw new ConfigError(problems)
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir,
    distDir: resolve(cwd, env.DIST_DIR ?? 'dist'),
    publicUrl,
    databaseUrl,
    logLevel,
    caKeyPassphrase,
    caKeyAlgorithm,
    pkcs11,
    caInitDevelopment: initFlag === '1' || initFlag === 'true',
    registryFile,
    secretFile: env.SERVER_SECRET_FILE ? resolve(cwd, env.SERVER_SECRET_FILE) : join(dataDir, 'server.secret'),
    trustProxy,
    bodyLimit,
    rateLimit,
    tsa,
    kiosk,
    renewal,
    ...(testClock ? { testClock } : {}),
  }
}
