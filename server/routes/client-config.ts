import type { FastifyInstance } from 'fastify'
import type { KioskConfig } from '../config.ts'

/** What GET /api/v1/client-config answers: settings the deployment makes for the browser app. */
export interface ClientConfig {
  /** This client is a kiosk (KIOSK=1, or its Host is in KIOSK_HOSTS): the applicant cannot switch it off. */
  readonly kiosk: boolean
  /** Quiet time before the idle warning, in seconds. */
  readonly idleSeconds: number
  /** Countdown of the idle warning, in seconds (at least 20). */
  readonly warnSeconds: number
}

/** Whether a request's Host header names a kiosk host. */
export function isKioskHost(kiosk: KioskConfig, hostHeader: string | undefined): boolean {
  if (kiosk.all) return true
  if (!hostHeader || !kiosk.hosts.length) return false
  // Strip the port (and IPv6 brackets keep their colons: "[::1]:443" → "[::1]").
  const host = hostHeader.toLowerCase().replace(/:\d+$/, '')
  return kiosk.hosts.includes(host)
}

/**
 * GET /api/v1/client-config: the kiosk setting of this deployment. Never cached (a host can be
 * made a kiosk at any time) and carries nothing secret.
 */
export async function clientConfigRoutes(app: FastifyInstance, opts: { kiosk: KioskConfig }): Promise<void> {
  app.get('/api/v1/client-config', async (req, reply): Promise<ClientConfig> => {
    void reply.header('cache-control', 'no-store')
    return {
      kiosk: isKioskHost(opts.kiosk, req.headers.host),
      idleSeconds: opts.kiosk.idleSeconds,
      warnSeconds: opts.kiosk.warnSeconds,
    }
  })
}
