/**
 * Where kiosk mode comes from: the deployment (GET /api/v1/client-config, KIOSK / KIOSK_HOSTS on
 * the server) or an operator who opened `?kiosk` and locked it with a PIN. The last known
 * setting is kept on the device (localStorage `qoltanba.kiosk`) so a kiosk stays a kiosk offline.
 * It is a fact about the device, not about a person: the session wipe keeps it.
 */

/** localStorage key of the device's kiosk setting (kept by the wipe). */
export const KIOSK_DEVICE_KEY = 'qoltanba.kiosk'

/** The shortest idle warning allowed (WCAG 2.2.1: at least 20 s to extend with a simple action). */
export const MIN_WARN_SECONDS = 20

/** What the server answers at GET /api/v1/client-config. */
export interface ClientConfig {
  readonly kiosk: boolean
  readonly idleSeconds: number
  readonly warnSeconds: number
}

/** A PBKDF2 hash of the operator's PIN (URL-enabled kiosks). */
export interface PinHash {
  /** Base64 salt. */
  readonly salt: string
  /** Base64 PBKDF2-SHA-256 output. */
  readonly hash: string
}

/** The kiosk setting stored on the device. */
export interface KioskDeviceSetting {
  /** Who switched kiosk mode on. */
  readonly source: 'server' | 'url'
  readonly idleSeconds: number
  readonly warnSeconds: number
  /** URL-enabled kiosks only: leaving kiosk mode needs this PIN. */
  readonly pin?: PinHash
  /** A sign-out could not reach the server: retried at the next start. */
  readonly logoutPending?: boolean
}

/** Default timings when the server is unreachable and nothing is stored. */
export const DEFAULT_TIMINGS = { idleSeconds: 120, warnSeconds: 30 } as const

/** Clamps timings to sane bounds (a warning never shorter than 20 s). */
export function normalizeTimings(idleSeconds: unknown, warnSeconds: unknown): { idleSeconds: number; warnSeconds: number } {
  const idle = Number(idleSeconds)
  const warn = Number(warnSeconds)
  return {
    idleSeconds: Number.isFinite(idle) && idle > 0 ? Math.round(idle) : DEFAULT_TIMINGS.idleSeconds,
    warnSeconds: Number.isFinite(warn) ? Math.max(MIN_WARN_SECONDS, Math.round(warn)) : DEFAULT_TIMINGS.warnSeconds,
  }
}

/** Reads the device setting; null when there is none or it is unreadable. */
export function readDeviceSetting(storage: Storage = localStorage): KioskDeviceSetting | null {
  try {
    const raw = storage.getItem(KIOSK_DEVICE_KEY)
    if (!raw) return null
    const value = JSON.parse(raw) as Partial<KioskDeviceSetting>
    if (value.source !== 'server' && value.source !== 'url') return null
    return { ...value, source: value.source, ...normalizeTimings(value.idleSeconds, value.warnSeconds) }
  } catch {
    return null
  }
}

/** Stores (or with null removes) the device setting. */
export function writeDeviceSetting(setting: KioskDeviceSetting | null, storage: Storage = localStorage): void {
  if (setting) storage.setItem(KIOSK_DEVICE_KEY, JSON.stringify(setting))
  else storage.removeItem(KIOSK_DEVICE_KEY)
}

/** Asks the server for the deployment's client settings; null when it cannot be reached. */
export async function fetchClientConfig(doFetch: typeof fetch = fetch): Promise<ClientConfig | null> {
  try {
    const res = await doFetch('/api/v1/client-config', { cache: 'no-store', credentials: 'same-origin' })
    if (!res.ok) return null
    const body = (await res.json()) as Partial<ClientConfig>
    return { kiosk: body.kiosk === true, ...normalizeTimings(body.idleSeconds, body.warnSeconds) }
  } catch {
    return null
  }
}

/** The kiosk state the app starts with. `urlAsksKiosk`: the address carries `?kiosk`. */
export interface ResolvedKiosk {
  /** Kiosk mode is on. */
  readonly active: boolean
  /** Kiosk mode was asked by URL but no operator PIN is set yet: show the lock dialog. */
  readonly needsPin: boolean
  readonly setting: KioskDeviceSetting | null
}

/**
 * Decides the kiosk state from the server's answer (null: unreachable), the stored setting and
 * the URL. The server wins when it says "kiosk"; a URL kiosk stays on until its PIN is entered;
 * a stored server setting is trusted only while the server cannot be asked.
 */
export function resolveKiosk(server: ClientConfig | null, stored: KioskDeviceSetting | null, urlAsksKiosk: boolean): ResolvedKiosk {
  if (server?.kiosk) {
    const setting: KioskDeviceSetting = {
      source: 'server',
      idleSeconds: server.idleSeconds,
      warnSeconds: server.warnSeconds,
      ...(stored?.logoutPending ? { logoutPending: true } : {}),
    }
    return { active: true, needsPin: false, setting }
  }
  if (stored?.source === 'url' && stored.pin) {
    const timings = server ? { idleSeconds: server.idleSeconds, warnSeconds: server.warnSeconds } : {}
    return { active: true, needsPin: false, setting: { ...stored, ...timings } }
  }
  if (stored?.source === 'server' && !server) return { active: true, needsPin: false, setting: stored }
  if (urlAsksKiosk) {
    const timings = server ?? DEFAULT_TIMINGS
    return { active: false, needsPin: true, setting: { source: 'url', idleSeconds: timings.idleSeconds, warnSeconds: timings.warnSeconds } }
  }
  return { active: false, needsPin: false, setting: null }
}
