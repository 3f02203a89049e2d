/**
 * Serves the built PWA. Cache headers decide whether users ever see an update: the service
 * worker, index.html and the manifest must be revalidated on every load (no-cache), while
 * content-hashed assets never change and are cached for a year (immutable).
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import fastifyStatic from '@fastify/static'

const REVALIDATE = /(^|\/)(sw\.js|index\.html|manifest\.webmanifest|registerSW\.js)$/
const HASHED = /^\/(assets\/|workbox-[0-9a-f]+\.js$)/

/** Cache-Control for a served path. */
export function cacheControlFor(urlPath: string): string {
  if (REVALIDATE.test(urlPath) || urlPath === '/') return 'no-cache'
  if (HASHED.test(urlPath)) return 'public, max-age=31536000, immutable'
  return 'public, max-age=3600'
}

/** Paths that belong to the server, never to the SPA's client-side router. */
const SERVER_PATHS = /^\/(api|ca|crl|ocsp)(\/|$)/

export async function registerStatic(app: FastifyInstance, distDir: string): Promise<void> {
  if (!existsSync(join(distDir, 'index.html'))) {
    app.log.warn({ distDir }, 'no built PWA found; run `npm run build` (npm start does it for you)')
    return
  }
  await app.register(fastifyStatic, {
    root: distDir,
    wildcard: false,
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders(reply, filePath) {
      const rel = filePath.slice(distDir.length).replaceAll('\\', '/')
      reply.header('Cache-Control', cacheControlFor(rel))
    },
  })
  // Deep links (/status, /certificates, …) get the app shell; the client router takes over.
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/'
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(path) || /\.[a-z0-9]+$/i.test(path)) {
      return reply.code(404).send({ error: { code: 'ERR_NOT_FOUND', message: 'Not found' } })
    }
    reply.header('Cache-Control', 'no-cache')
    return reply.sendFile('index.html')
  })
}
