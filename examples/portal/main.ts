/**
 * `npm run portal`: the demo portal on http://localhost:3001 (PORTAL_PORT), signing in against
 * Qoltanba at QOLTANBA_URL (default http://localhost:8080, `npm start`). Its client is
 * PORTAL_CLIENT_ID / PORTAL_CLIENT_SECRET when given; otherwise it registers itself once with
 * `qoltanba client add` (same DATA_DIR / DATABASE_URL as the server) and keeps the answer in
 * DATA_DIR/demo-portal-client.json. PORTAL_REQUIRE_HWK=1 asks for a key on a hardware token.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { startPortal } from './portal.ts'

const port = Number(process.env.PORTAL_PORT ?? 3001)
const base = `http://localhost:${port}`
const scope = process.env.PORTAL_SCOPE ?? 'openid profile certificate'

/** The registered client: from the environment, from an earlier run, or registered now. */
function client(): { clientId: string; clientSecret?: string } {
  if (process.env.PORTAL_CLIENT_ID) {
    return { clientId: process.env.PORTAL_CLIENT_ID, ...(process.env.PORTAL_CLIENT_SECRET ? { clientSecret: process.env.PORTAL_CLIENT_SECRET } : {}) }
  }
  const saved = join(resolve(process.env.DATA_DIR || 'data'), `demo-portal-client-${port}.json`)
  if (!existsSync(saved)) {
    const args = ['client', 'add', '--json', '--name-kk', 'Демо портал', '--name-ru', 'Демо-портал', '--name-en', 'Demo portal',
      '--redirect-uri', `${base}/callback`, '--post-logout-redirect-uri', `${base}/`, '--backchannel-logout-uri', `${base}/backchannel-logout`,
      '--auth-method', 'client_secret_basic', ...scope.split(' ').flatMap((s) => ['--scope', s])]
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    writeFileSync(saved, out, { mode: 0o600 })
    console.info(`Registered the demo portal with qoltanba client add (kept in ${saved})`)
  }
  return JSON.parse(readFileSync(saved, 'utf8')) as { clientId: string; clientSecret?: string }
}

const { clientId, clientSecret } = client()
const { url } = await startPortal({
  issuer: process.env.QOLTANBA_URL ?? 'http://localhost:8080',
  clientId,
  ...(clientSecret ? { clientSecret } : {}),
  port,
  requireHardwareKey: process.env.PORTAL_REQUIRE_HWK === '1',
  scope,
})
console.info(`Demo portal: ${url}`)
