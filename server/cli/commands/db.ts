/** Database maintenance commands. */
import { databaseKind } from '../../db/database.ts'
import { expireOverdueApplications } from '../../applications/service.ts'
import type { CliCommand } from '../types.ts'

export const commands: CliCommand[] = [
  {
    name: ['db', 'migrate'],
    summary: 'Apply pending database migrations (the server also does this at start)',
    async run(ctx) {
      // openDatabase migrates; nothing else to do.
      await ctx.withDatabase(async () => undefined)
      ctx.out(`database (${databaseKind(ctx.config())}) is up to date`)
    },
  },
  {
    name: ['applications', 'expire'],
    summary: 'Move applications older than 30 days to "expired" now (the server does it hourly)',
    async run(ctx) {
      const n = await ctx.withDatabase((db) => expireOverdueApplications(db))
      ctx.out(`${n} application(s) expired`)
    },
  },
]
