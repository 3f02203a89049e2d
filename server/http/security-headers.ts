/**
 * Security headers on every response. The CSP keeps the PWA to its own origin with no inline
 * script or style, and lets it reach the local signing agents on the loopback interface
 * (NCALayer wss://127.0.0.1:13579 and our agent) — nothing else; images may also come over https,
 * for the logo a portal registered (qoltanba client add --logo-uri, https only), shown on the
 * portal sign-in and consent screens (src/components/oidc/OidcPortal.vue, without a referrer).
 */
import type { FastifyInstance } from 'fastify'
import type { ServerConfig } from '../config.ts'

const LOOPBACK = ['wss://127.0.0.1:*', 'ws://127.0.0.1:*', 'https://127.0.0.1:*', 'http://127.0.0.1:*', 'wss://localhost:*', 'https://localhost:*']

/** The Content-Security-Policy value. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets the document-hashing worker compile its WebAssembly SHA-256
  // (src/composables/stream-sha256.ts, hash-wasm); it allows no eval() and no other script source.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob: https:",
  "font-src 'self'",
  `connect-src 'self' ${LOOPBACK.join(' ')}`,
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export function securityHeaders(app: FastifyInstance, config: Pick<ServerConfig, 'publicUrl'>): void {
  const https = config.publicUrl.startsWith('https:')
  app.addHook('onSend', async (req, reply) => {
    reply.header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    reply.header('X-Content-Type-Options', 'nosniff')
    reply.header('Referrer-Policy', 'no-referrer')
    reply.header('X-Frame-Options', 'DENY')
    reply.header('Cross-Origin-Opener-Policy', 'same-origin')
    // CA certificates, CRLs and OCSP are public by design: other origins may fetch them.
    reply.header('Cross-Origin-Resource-Policy', /^\/(ca|crl|ocsp)(\/|$)/.test(req.url) ? 'cross-origin' : 'same-origin')
    reply.header('Permissions-Policy', 'camera=(self), microphone=(), geolocation=(), usb=(), payment=()')
    if (https) reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
  })
}
