/**
 * `qoltanba ca import-files`: moves the CA hierarchy of DATA_DIR/ca (or --from <dir>) into the
 * database named by DATABASE_URL (server/ca/ca-import.ts), then loads it from there as a server
 * would — so every instance on the database runs without shared files. Idempotent.
 */
import { resolve } from 'node:path'
import { loadCertificateAuthority } from '../../ca/authority.ts'
import { importCaFiles } from '../../ca/ca-import.ts'
import { CliUsageError, type CliCommand } from '../types.ts'

export const commands: CliCommand[] = [
  {
    name: ['ca', 'import-files'],
    summary: 'Move the CA hierarchy of DATA_DIR/ca into the database (DATABASE_URL): instances then need no shared DATA_DIR',
    usage: '[--from <DATA_DIR/ca>]',
    options: { from: { type: 'string' } },
    async run(ctx) {
      const config = ctx.config()
      if (!config.databaseUrl) throw new CliUsageError('set DATABASE_URL: the hierarchy is imported into that PostgreSQL database')
      const from = typeof ctx.values.from === 'string' ? resolve(ctx.values.from) : undefined
      return ctx.withDatabase(async (db) => {
        let r
        try {
          r = await importCaFiles(config, db, from ? { from } : {})
        } catch (e) {
          ctx.err(`Nothing imported: ${(e as Error).message}`)
          return 1
        }
        // Open every key from the database now, so a wrong passphrase or a mismatch shows here.
        const ca = await loadCertificateAuthority(config, db, { warmCrl: false })
        ca.close()
        if (!r.imported) {
          ctx.out(`The database already holds the CA hierarchy of ${r.from}: nothing changed.`)
          return 0
        }
        ctx.out(`Imported the CA hierarchy of ${r.from} into the database: ${r.files.join(', ')}.`)
        if (r.reencrypted.length) ctx.out(`Re-encrypted with CA_KEY_PASSPHRASE (they used ${r.from}/passphrase): ${r.reencrypted.join(', ')}.`)
        ctx.out('Every instance now reads the CA from the database; set CA_KEY_PASSPHRASE (or PKCS11_*) on each. DATA_DIR/ca is no longer read and can be archived.')
        return 0
      })
    },
  },
]
