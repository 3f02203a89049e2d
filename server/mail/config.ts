/**
 * Mail settings from the environment. Without SMTP_URL mail is off: nothing is queued, the
 * client config says so, and every other path works as before.
 */
export interface MailConfig {
  /** smtp://user:pass@host:port or smtps://…; undefined → mail is off. */
  readonly smtpUrl: string | undefined
  /** The From header, e.g. "Qoltanba <noreply@example.kz>". */
  readonly from: string
  /** MAIL_TLS_REJECT_UNAUTHORIZED=0 accepts a self-signed relay (a test server, never production). */
  readonly tlsRejectUnauthorized: boolean
  /** MAIL_REQUIRE_TLS=1: STARTTLS must succeed before anything is sent. */
  readonly requireTls: boolean
  /** Attempts before a message is given up (MAIL_MAX_ATTEMPTS, default 8). */
  readonly maxAttempts: number
  /** First retry delay; doubles each attempt, at most an hour (MAIL_RETRY_BASE_MS, default 30 s). */
  readonly retryBaseMs: number
  /** How often the sender looks for due messages (MAIL_POLL_MS, default 5 s). */
  readonly pollMs: number
  /** How often the expiry reminder job runs (MAIL_EXPIRY_CHECK_MS, default a day). */
  readonly expiryCheckMs: number
  /** The least wait between two confirmation messages to one address (MAIL_RESEND_COOLDOWN_MS, default a minute). */
  readonly resendCooldownMs: number
  /** MAIL_NEW_DEVICE_SIGNIN=1: tell of a sign-in from a new device (off by default). */
  readonly newDeviceSignIn: boolean
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const v = env[name]
  if (v === undefined || v === '') return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${v}"`)
  return n
}

export function loadMailConfig(env: NodeJS.ProcessEnv = process.env): MailConfig {
  const smtpUrl = env.SMTP_URL || undefined
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new Error('SMTP_URL must start with smtp:// or smtps://')
  return {
    smtpUrl,
    from: env.MAIL_FROM || 'Qoltanba <noreply@localhost>',
    tlsRejectUnauthorized: env.MAIL_TLS_REJECT_UNAUTHORIZED !== '0',
    requireTls: env.MAIL_REQUIRE_TLS === '1',
    maxAttempts: int(env, 'MAIL_MAX_ATTEMPTS', 8, 1),
    retryBaseMs: int(env, 'MAIL_RETRY_BASE_MS', 30_000, 0),
    pollMs: int(env, 'MAIL_POLL_MS', 5_000, 10),
    expiryCheckMs: int(env, 'MAIL_EXPIRY_CHECK_MS', 24 * 3600_000, 1000),
    resendCooldownMs: int(env, 'MAIL_RESEND_COOLDOWN_MS', 60_000, 0),
    newDeviceSignIn: env.MAIL_NEW_DEVICE_SIGNIN === '1',
  }
}

/** Whether mail is on for this config. */
export const mailEnabled = (c: MailConfig | undefined): c is MailConfig & { smtpUrl: string } => Boolean(c?.smtpUrl)
