/**
 * CA commands: `qoltanba ca init` (root CA, issuing CA, OCSP responder — in DATA_DIR/ca, or in the
 * database with DATABASE_URL set), `qoltanba ca revoke-issuing` (the root revokes the issuing CA)
 * and `qoltanba operator create` (operator account + certificate in a PKCS#12). `qoltanba ca
 * import-files` is in ca-import.ts.
 */
import { resolve } from 'node:path'
import { checkIin } from '../../../src/pki/iin.ts'
import { loadCertificateAuthority } from '../../ca/authority.ts'
import { openCaStore } from '../../ca/open-ca-store.ts'
import { hierarchyExists, ROOT_NAME } from '../../ca/hierarchy.ts'
import { initCertificateAuthority } from '../../ca/hierarchy-init.ts'
import { CA_REVOCATION_REASONS, revokeIssuingCa, type CaRevocationReason } from '../../ca/issuing-ca-revocation.ts'
import { databaseKind } from '../../db/database.ts'
import { createOperatorCredential } from '../../operators/credential.ts'
import { TimestampAuthority } from '../../tsa/timestamp-authority.ts'
import type { CaKeyAlgorithm } from '../../ca/signer.ts'
import { CliUsageError, requireString, type CliCommand } from '../types.ts'

const CLI_ACTOR = `cli:${process.env.USER ?? 'unknown'}`

export const commands: CliCommand[] = [
  {
    name: ['ca', 'init'],
    summary: 'Create the CA hierarchy (root CA, issuing CA, OCSP responder) in DATA_DIR, or the database with DATABASE_URL; keys there or in the PKCS#11 token',
    usage: '[--algorithm RSA-3072|P-256] [--development]',
    options: { algorithm: { type: 'string', default: 'RSA-3072' }, development: { type: 'boolean', default: false } },
    async run(ctx) {
      const algorithm = ctx.values.algorithm
      if (algorithm !== 'RSA-3072' && algorithm !== 'P-256') throw new CliUsageError('--algorithm must be RSA-3072 or P-256')
      const config = ctx.config()
      const development = ctx.values.development === true
      if (!config.pkcs11 && !config.caKeyPassphrase && (!development || config.databaseUrl)) {
        throw new CliUsageError(
          config.databaseUrl
            ? 'with DATABASE_URL the keys go to the database encrypted with CA_KEY_PASSPHRASE: set CA_KEY_PASSPHRASE (or CA_KEY_PASSPHRASE_FILE), or PKCS11_MODULE'
            : 'set CA_KEY_PASSPHRASE (or CA_KEY_PASSPHRASE_FILE), or PKCS11_MODULE, or pass --development',
        )
      }
      return ctx.withDatabase(async (db) => {
        const store = openCaStore(config, db)
        if (await hierarchyExists(store)) {
          ctx.err(`A CA hierarchy already exists in ${store.where}; refusing to overwrite it.`)
          return 1
        }
        await initCertificateAuthority({ ...config, caKeyAlgorithm: algorithm as CaKeyAlgorithm }, store, { development, log: (l) => ctx.out(l) })
        // Record it in the database now, so a mismatch (another CA's database) shows here, not at start.
        const ca = await loadCertificateAuthority(config, db, { warmCrl: false })
        ctx.out(`root CA:    ${config.publicUrl}/ca/root.crt`)
        ctx.out(`issuing CA: ${config.publicUrl}/ca/issuing.crt  CRL: ${config.publicUrl}/crl/issuing.crl  OCSP: ${config.publicUrl}/ocsp`)
        try {
          // The TSA key and certificate too, so every key of a new hierarchy is made in this one
          // ceremony (a server would otherwise make the TSA's at its first /tsp request).
          const tsa = await TimestampAuthority.open(config, db, ca, config.tsa)
          tsa.close()
          ctx.out(`TSA:        ${config.publicUrl}/tsp  certificate: ${config.publicUrl}/ca/tsa.crt`)
        } finally {
          ca.close()
        }
        if (development) ctx.out('This is a DEVELOPMENT hierarchy: do not use it in production.')
        return 0
      })
    },
  },
  {
    name: ['ca', 'revoke-issuing'],
    summary: 'Revoke the issuing CA certificate: the root CA lists it on /crl/root.crl (final; needs the root key)',
    usage: `--reason <${CA_REVOCATION_REASONS.join('|')}>`,
    options: { reason: { type: 'string' } },
    async run(ctx) {
      const reason = requireString(ctx, 'reason')
      if (!(CA_REVOCATION_REASONS as readonly string[]).includes(reason)) throw new CliUsageError(`--reason must be one of ${CA_REVOCATION_REASONS.join(', ')}`)
      const config = ctx.config()
      return ctx.withDatabase(async (db) => {
        const store = openCaStore(config, db)
        if (!(await hierarchyExists(store))) {
          ctx.err(`No CA hierarchy in ${store.where}: nothing to revoke.`)
          return 1
        }
        // Loading checks that this database belongs to this DATA_DIR's CA before anything is written.
        const ca = await loadCertificateAuthority(config, db, { warmCrl: false })
        try {
          const r = await revokeIssuingCa(config, db, ca.hierarchy, { reason: reason as CaRevocationReason, actor: CLI_ACTOR })
          const { serial, subjectDn, revokedAt, revokedBy } = r.revocation
          if (!r.revoked) {
            ctx.out(`The issuing CA ${subjectDn} (serial ${serial}) is already revoked: ${r.revocation.reason}, ${revokedAt.toISOString()}, by ${revokedBy}. Nothing changed.`)
            return 0
          }
          ctx.out(`Revoked the issuing CA ${subjectDn} (serial ${serial}): ${reason}, ${revokedAt.toISOString()}.`)
          ctx.out(`Root CRL number ${r.crl?.crlNumber} lists it: ${ROOT_NAME}.crl in ${store.where}, served at ${config.publicUrl}/crl/${ROOT_NAME}.crl.`)
          ctx.out('Certificates this CA issued now fail `openssl verify -crl_check_all` and sign-in (ERR_CERT_REVOKED at depth 1).')
          ctx.out(
            databaseKind(config) === 'postgres'
              ? 'Servers running on this database take up the new root CRL within a minute.'
              : 'Start the server again: it publishes the new root CRL from its start.',
          )
          return 0
        } finally {
          ca.close()
        }
      })
    },
  },
  {
    name: ['operator', 'create'],
    summary: 'Create an operator bound to an IIN and write its certificate and key to a PKCS#12 file',
    usage: '--iin <IIN> --out <file.p12> [--role operator|admin] [--password-env <VAR>] [--surname <s> --name <n> [--patronymic <p>]]',
    options: {
      iin: { type: 'string' }, out: { type: 'string' }, role: { type: 'string', default: 'operator' }, 'password-env': { type: 'string' },
      surname: { type: 'string' }, name: { type: 'string' }, patronymic: { type: 'string' },
    },
    async run(ctx) {
      const iin = requireString(ctx, 'iin')
      if (!checkIin(iin).valid) throw new CliUsageError(`--iin ${iin} is not a valid IIN`)
      const out = resolve(requireString(ctx, 'out'))
      const role = ctx.values.role
      if (role !== 'operator' && role !== 'admin') throw new CliUsageError('--role must be operator or admin')
      // The password comes from an environment variable, never from argv (visible in `ps`).
      const passwordEnv = ctx.values['password-env']
      const password = typeof passwordEnv === 'string' ? process.env[passwordEnv] : undefined
      if (typeof passwordEnv === 'string' && !password) throw new CliUsageError(`environment variable ${passwordEnv} is empty`)
      const config = ctx.config()
      const cred = await ctx.withDatabase(async (db) => {
        const store = openCaStore(config, db)
        if (!(await hierarchyExists(store))) return undefined
        const ca = await loadCertificateAuthority(config, db, { warmCrl: false })
        try {
          return await createOperatorCredential(db, ca, ctx.registry(), {
            iin, role, out, actor: CLI_ACTOR,
            ...(password ? { password } : {}),
            ...(typeof ctx.values.surname === 'string' ? { surname: ctx.values.surname } : {}),
            ...(typeof ctx.values.name === 'string' ? { name: ctx.values.name } : {}),
            ...(typeof ctx.values.patronymic === 'string' ? { patronymic: ctx.values.patronymic } : {}),
          })
        } finally {
          ca.close()
        }
      })
      if (!cred) {
        ctx.err('No CA hierarchy (in DATA_DIR/ca, or in the database with DATABASE_URL): run `qoltanba ca init` first.')
        return 1
      }
      ctx.out(`operator ${cred.iin}: certificate ${cred.serialHex} written to ${cred.p12Path}`)
      if (cred.passwordPath) ctx.out(`PKCS#12 password: in ${cred.passwordPath} (mode 0600)`)
    },
  },
]
