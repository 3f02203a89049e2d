/**
 * Keeps this instance's cached certificate statuses in step with the other instances: a
 * revocation, hold or release committed anywhere reaches the OCSP responder and the CRL here
 * through the change feed within milliseconds; after a lost connection every cached answer is
 * dropped; and a periodic read of recently changed certificates catches anything missed.
 * Sign-in decisions read the certificates table on every sign-in (auth/db-revocation.ts), so
 * they need nothing here. Only with DATABASE_URL: PGlite has one instance.
 */
import { sql } from 'kysely'
import type { AppContext } from '../context.ts'
import { asCertificateAuthority, type CertificateAuthority } from '../ca/authority.ts'
import type { AppMetrics } from './metrics.ts'
import { ChangeFeed } from './change-feed.ts'

/** How far back the periodic check reads: longer than a slow transaction takes to commit. */
const CHECK_OVERLAP_MS = 60_000

export function startPropagation(ctx: AppContext, metrics: AppMetrics, checkMs: number, log: (msg: string, err?: unknown) => void): ChangeFeed | undefined {
  const databaseUrl = ctx.config.databaseUrl
  if (!databaseUrl) return undefined
  const withCa = (fn: (ca: CertificateAuthority) => void) => {
    ctx.getCa().then((ca) => fn(asCertificateAuthority(ca)), () => {})
  }
  let checkedAt: number | undefined
  return new ChangeFeed({
    databaseUrl,
    checkMs,
    log,
    onChange(kind, id) {
      metrics.changes.inc({ kind, source: 'notify' })
      if (kind === 'certificate') withCa((ca) => ca.statusChanged(id))
    },
    onResync() {
      metrics.changes.inc({ kind: 'certificate', source: 'resync' })
      withCa((ca) => {
        ca.ocsp.invalidateAll()
        ca.crl.changed()
      })
    },
    async onCheck() {
      const now = await sql<{ t: number }>`select extract(epoch from statement_timestamp())::float8 * 1000 as t`.execute(ctx.db)
      const dbNow = Number(now.rows[0]?.t)
      const since = new Date((checkedAt ?? dbNow) - CHECK_OVERLAP_MS)
      checkedAt = dbNow
      const rows = await ctx.db.selectFrom('certificates').select('serial').where('status_changed_at', '>', since).execute()
      if (!rows.length) return
      metrics.changes.inc({ kind: 'certificate', source: 'check' }, rows.length)
      withCa((ca) => {
        for (const r of rows) ca.ocsp.invalidate(r.serial)
        ca.crl.changed()
      })
    },
  })
}
