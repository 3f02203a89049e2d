/**
 * Opening a token for one operation. Each operation loads the module, initialises it, finds the
 * token, opens a session, logs in when a PIN is given, runs, and finalises again. That costs a
 * few milliseconds but means: tokens inserted or removed between requests are seen (many modules
 * cache the slot list until C_Finalize), no login outlives the operation that needed the PIN, and
 * tests can point SoftHSM2 at a fresh SOFTHSM2_CONF per test.
 *
 * Everything inside runs synchronously (pkcs11js's sync calls), so two operations never
 * interleave on one module; the agent's dispatcher also serialises operations.
 */
import pkcs11js from 'pkcs11js'
import { ErrorCode, QoltanbaError } from '../../src/core/errors.ts'

/** A configured PKCS#11 module. */
export interface ModuleConfig {
  /** Short name used in storage ids ("softhsm", "kaztoken", "jacarta", "etoken"). */
  readonly name: string
  /** Path to the shared library. */
  readonly path: string
}

/** What an operation gets. */
export interface TokenContext {
  readonly p11: pkcs11js.PKCS11
  readonly session: pkcs11js.Handle
  readonly slot: pkcs11js.Handle
  readonly info: pkcs11js.TokenInfo
  readonly module: ModuleConfig
}

/** A token found in a slot. */
export interface FoundToken {
  readonly module: ModuleConfig
  readonly info: pkcs11js.TokenInfo
  readonly serial: string
}

/** `p11:<module>:<serial>` */
export function tokenStorageId(module: string, serial: string): string {
  return `p11:${module}:${serial}`
}

/** Splits a token storage id; undefined for other storages. */
export function parseTokenStorageId(id: string): { module: string; serial: string } | undefined {
  const m = /^p11:([a-z0-9_-]{1,40}):(.{1,64})$/i.exec(id)
  return m ? { module: m[1] as string, serial: m[2] as string } : undefined
}

const trim = (s: string): string => s.replace(/[\s\0]+$/, '')

function withModule<T>(module: ModuleConfig, fn: (p11: pkcs11js.PKCS11) => T): T {
  const p11 = new pkcs11js.PKCS11()
  try {
    p11.load(module.path)
  } catch (e) {
    throw new QoltanbaError(ErrorCode.TokenMissing, `PKCS#11 module ${module.name} cannot be loaded`, { module: module.name }, { cause: e })
  }
  try {
    p11.C_Initialize()
    try {
      return fn(p11)
    } finally {
      try {
        p11.C_Finalize()
      } catch {
        // finalising a module that lost its token can fail; nothing left to release
      }
    }
  } finally {
    p11.close()
  }
}

/** Tokens present in every slot of `module` (an unloadable module lists nothing). */
export function listModuleTokens(module: ModuleConfig): FoundToken[] {
  try {
    return withModule(module, (p11) =>
      p11.C_GetSlotList(true).flatMap((slot) => {
        try {
          const info = p11.C_GetTokenInfo(slot)
          // An uninitialised token (SoftHSM's spare slot, a blank card) has no keys to offer.
          if (!(info.flags & pkcs11js.CKF_TOKEN_INITIALIZED)) return []
          return [{ module, info, serial: trim(info.serialNumber) }]
        } catch {
          return [] // slot emptied while listing
        }
      }),
    )
  } catch (e) {
    if (e instanceof QoltanbaError) return []
    throw e
  }
}

/**
 * Runs `fn` on the token with serial `serial` of `module`, logged in as the user when `pin`
 * is given. Maps PKCS#11 failures to typed errors (see `mapPkcs11Error`).
 */
export function withToken<T>(
  module: ModuleConfig,
  serial: string,
  options: { pin?: string; readWrite?: boolean },
  fn: (ctx: TokenContext) => T,
): T {
  return withModule(module, (p11) => {
    try {
      const slot = p11.C_GetSlotList(true).find((s) => trim(p11.C_GetTokenInfo(s).serialNumber) === serial)
      if (!slot) throw new QoltanbaError(ErrorCode.TokenMissing, 'The token is not present', { module: module.name })
      let flags = pkcs11js.CKF_SERIAL_SESSION
      if (options.readWrite) flags |= pkcs11js.CKF_RW_SESSION
      const session = p11.C_OpenSession(slot, flags)
      try {
        if (options.pin !== undefined) p11.C_Login(session, pkcs11js.CKU_USER, options.pin)
        return fn({ p11, session, slot, info: p11.C_GetTokenInfo(slot), module })
      } catch (e) {
        throw mapPkcs11Error(e, () => p11.C_GetTokenInfo(slot).flags)
      } finally {
        try {
          p11.C_CloseSession(session)
        } catch {
          // the token may be gone
        }
      }
    } catch (e) {
      throw mapPkcs11Error(e)
    }
  })
}

const PIN_ERRORS = new Set([pkcs11js.CKR_PIN_INCORRECT, pkcs11js.CKR_PIN_INVALID, pkcs11js.CKR_PIN_LEN_RANGE])
const MISSING_ERRORS = new Set([
  pkcs11js.CKR_TOKEN_NOT_PRESENT,
  pkcs11js.CKR_TOKEN_NOT_RECOGNIZED,
  pkcs11js.CKR_DEVICE_REMOVED,
  pkcs11js.CKR_SLOT_ID_INVALID,
  pkcs11js.CKR_SESSION_HANDLE_INVALID,
  pkcs11js.CKR_SESSION_CLOSED,
])

/** Facts about the PIN retry counter from token flags (PKCS#11 v2.40 §3.2 CK_TOKEN_INFO). */
export function pinFacts(flags: number): { attemptsLeft?: number; pinCountLow?: boolean; pinLocked?: boolean } {
  if (flags & pkcs11js.CKF_USER_PIN_LOCKED) return { attemptsLeft: 0, pinLocked: true }
  if (flags & pkcs11js.CKF_USER_PIN_FINAL_TRY) return { attemptsLeft: 1, pinCountLow: true }
  if (flags & pkcs11js.CKF_USER_PIN_COUNT_LOW) return { pinCountLow: true }
  return {}
}

/**
 * Turns a pkcs11js error into a QoltanbaError: wrong PIN → ERR_WRONG_PIN with the retry facts the
 * token reports (read from its flags after the failed login); locked → ERR_PIN_LOCKED; token
 * gone → ERR_TOKEN_MISSING; anything else → ERR_INTERNAL with the CKR name (no secrets in it).
 */
export function mapPkcs11Error(e: unknown, readFlags?: () => number): QoltanbaError {
  if (e instanceof QoltanbaError) return e
  const code = e instanceof pkcs11js.Pkcs11Error ? e.code : undefined
  const ckr = e instanceof Error ? e.message.split(':')[0]?.trim() ?? '' : ''
  if (code !== undefined && PIN_ERRORS.has(code)) {
    let facts: ReturnType<typeof pinFacts> = {}
    try {
      facts = readFlags ? pinFacts(readFlags()) : {}
    } catch {
      // flags unreadable: report without attempts
    }
    if (facts.pinLocked) return new QoltanbaError(ErrorCode.PinLocked, 'The PIN is locked', facts)
    const left = facts.attemptsLeft !== undefined ? `; ${facts.attemptsLeft} attempt(s) left` : facts.pinCountLow ? '; few attempts left' : ''
    return new QoltanbaError(ErrorCode.WrongPin, `Wrong PIN${left}`, facts)
  }
  if (code === pkcs11js.CKR_PIN_LOCKED) return new QoltanbaError(ErrorCode.PinLocked, 'The PIN is locked', { attemptsLeft: 0, pinLocked: true })
  if (code !== undefined && MISSING_ERRORS.has(code)) {
    return new QoltanbaError(ErrorCode.TokenMissing, 'The token is not present', { pkcs11: ckr })
  }
  return new QoltanbaError(ErrorCode.Internal, `Token operation failed (${ckr || 'unknown'})`, { pkcs11: ckr }, { cause: e })
}
