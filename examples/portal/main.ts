/**
 * `npm run portal`: the demo portal on http://localhost:3001 (PORTAL_PORT), signing in against
 * Qoltanba at QOLTANBA_URL (default http://localhost:8080). The client is the one registered with
 * `qoltanba client add` (README.md): PORTAL_CLIENT_ID and, for a confidential client,
 * PORTAL_CLIENT_SECRET. PORTAL_REQUIRE_HWK=1 asks for a key on a hardware token.
 */
import { startPortal } from './portal.ts'

const clientId = process.env.PORTAL_CLIENT_ID
if (!clientId) {
  console.error('Set PORTAL_CLIENT_ID (and PORTAL_CLIENT_SECRET) to a client registered with `npm run qoltanba -- client add`: see examples/portal/README.md')
  process.exit(2)
}
const { url } = await startPortal({
  issuer: process.env.QOLTANBA_URL ?? 'http://localhost:8080',
  clientId,
  ...(process.env.PORTAL_CLIENT_SECRET ? { clientSecret: process.env.PORTAL_CLIENT_SECRET } : {}),
  port: Number(process.env.PORTAL_PORT ?? 3001),
  requireHardwareKey: process.env.PORTAL_REQUIRE_HWK === '1',
  ...(process.env.PORTAL_SCOPE ? { scope: process.env.PORTAL_SCOPE } : {}),
})
console.info(`Demo portal: ${url}`)
