/**
 * `npm run portal`: the demo portal on http://localhost:3001 (PORTAL_PORT), signing in against
 * Qoltanba at QOLTANBA_URL (default http://localhost:8080, `npm start`). Its client is
 * PORTAL_CLIENT_ID / PORTAL_CLIENT_SECRET when given; otherwise it registers itself once with
 * `qoltanba client add` (same DATA_DIR / DATABASE_URL as the server) and keeps the answer in
 * DATA_DIR/demo-portal-client-<port>.json. PORTAL_REQUIRE_HWK=1 asks for a key on a hardware token.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { startPortal } from './portal.ts'

const port = Number(process.env.PORTAL_PORT ?? 3001)
const base = `http://localhost:${port}`
const scope = process.env.PORTAL_SCOPE ?? 'openid profile certificate'
const issuer = process.env.QOLTANBA_URL ?? 'http://localhost:8080'

/** Qoltanba answers its discovery document. */
const reachable = () => fetch(`${issuer}/.well-known/openid-configuration`).then((r) => r.ok, () => false)

/** The registered client: from the environment, from an earlier run, or registered now. */
async function client(): Promise<{ clientId: string; clientSecret?: string }> {
  if (process.env.PORTAL_CLIENT_ID) {
    return { clientId: process.env.PORTAL_CLIENT_ID, ...(process.env.PORTAL_CLIENT_SECRET ? { clientSecret: process.env.PORTAL_CLIENT_SECRET } : {}) }
  }
  const saved = join(resolve(process.env.DATA_DIR || 'data'), `demo-portal-client-${port}.json`)
  if (!existsSync(saved)) {
    // The embedded database opens in one process at a time: never beside a running server.
    if (!process.env.DATABASE_URL && (await reachable())) {
      console.error('Qoltanba is running on the embedded database: stop it, run `npm run portal` once to register, then start it again (or set PORTAL_CLIENT_ID and PORTAL_CLIENT_SECRET).')
      process.exit(2)
    }
    const args = ['client', 'add', '--json', '--name-kk', 'Демо портал', '--name-ru', 'Демо-портал', '--name-en', 'Demo portal',
      '--redirect-uri', `${base}/callback`, '--post-logout-redirect-uri', `${base}/`, '--backchannel-logout-uri', `${base}/backchannel-logout`,
      '--auth-method', 'client_secret_basic', ...scope.split(' ').flatMap((s) => ['--scope', s])]
    let out: Buffer
    try {
      out = execFileSync(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    } catch {
      console.error('Could not register the demo portal with `qoltanba client add` (see above); or set PORTAL_CLIENT_ID and PORTAL_CLIENT_SECRET.')
      process.exit(2)
    }
    writeFileSync(saved, out, { mode: 0o600 })
    console.info(`Registered the demo portal with qoltanba client add (kept in ${saved}). You may start Qoltanba now.`)
  }
  return JSON.parse(readFileSync(saved, 'utf8')) as { clientId: string; clientSecret?: string }
}

const { clientId, clientSecret } = await client()
// Started before Qoltanba (the order the embedded database needs the first time): wait for it.
for (let waited = 0; !(await reachable()); waited++) {
  if (waited === 0) console.info(`Waiting for Qoltanba at ${issuer} (npm start)…`)
  await new Promise((resolve) => setTimeout(resolve, 2000))
}
const { url } = await startPortal({
  issuer,
  clientId,
  ...(clientSecret ? { clientSecret } : {}),
  port,
  requireHardwareKey: process.env.PORTAL_REQUIRE_HWK === '1',
  scope,
})
console.info(`Demo portal: ${url}`)
