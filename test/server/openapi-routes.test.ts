/**
 * The OpenAPI document at GET /api/docs lists every route the server answers: the route table
 * (Fastify's printRoutes) is walked and each method + path must appear, so a route added without
 * its documentation fails here. The app is built without the PWA, so the table holds no static
 * files or SPA fallback; HEAD routes are the automatic twins of GET ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './helpers/app.ts'

let s: TestServer

beforeAll(async () => {
  s = await startTestServer('pglite')
})

afterAll(async () => {
  await s?.close()
})

/**
 * Method + path pairs from `printRoutes({ commonPrefix: false })`: one tree line per node,
 * indented four characters a level ("│   " or "    ", then "├── " or "└── "), a node's path
 * continuing its parent's, methods in parentheses on nodes that have handlers.
 */
function routeTable(printed: string): Array<{ method: string; path: string }> {
  const stack: string[] = []
  const routes: Array<{ method: string; path: string }> = []
  for (const line of printed.split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line)
    if (!m) continue
    const depth = (m[1] as string).length / 4
    const path = (stack[depth - 1] ?? '') + (m[2] as string)
    stack[depth] = path
    stack.length = depth + 1
    for (const method of (m[3] ?? '').split(',').map((x) => x.trim()).filter(Boolean)) routes.push({ method, path })
  }
  return routes
}

/** A Fastify path as a pattern over OpenAPI paths: `:serial` and the wildcard `*` are `{name}` segments. */
function openApiPattern(path: string): RegExp {
  const escaped = path.replace(/[.+?^$()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped.replace(/:[A-Za-z0-9_]+/g, '\\{[^}/]+\\}').replace(/\*/g, '\\{[^}/]+\\}')}$`)
}

describe('GET /api/docs', () => {
  it('documents every route of the app (method and path)', async () => {
    const routes = routeTable(s.app.printRoutes({ commonPrefix: false })).filter((r) => r.method !== 'HEAD')
    // The walk itself works: known routes of each kind are found.
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: 'POST', path: '/api/v1/auth/login' },
        { method: 'GET', path: '/api/v1/applications/:number/certificates' },
        { method: 'POST', path: '/api/v1/operator/certificates/:serial/hold' },
        { method: 'GET', path: '/ocsp/*' },
      ]),
    )
    expect(routes.length).toBeGreaterThan(25)

    const res = await s.app.inject({ method: 'GET', url: '/api/docs' })
    expect(res.statusCode).toBe(200)
    const paths = (res.json() as { paths: Record<string, Record<string, unknown>> }).paths
    const undocumented = routes.filter(({ method, path }) => {
      const pattern = openApiPattern(path)
      return !Object.entries(paths).some(([p, ops]) => pattern.test(p) && ops[method.toLowerCase()] !== undefined)
    })
    expect(undocumented).toEqual([])
  })
})
