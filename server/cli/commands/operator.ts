/**
 * Operator accounts from the command line: add, list, deactivate, and `sign-in` (a certificate
 * sign-in with the operator's PKCS#12, for scripts). `operator create` (certificate + PKCS#12) is
 * the CA module's command.
 */
import { readFileSync } from 'node:fs'
import { checkIin } from '../../../src/pki/iin.ts'
import { deactivateOperator, upsertOperator } from '../../operators/accounts.ts'
import { signInWithPkcs12 } from '../sign-in-client.ts'
import { CliUsageError, requireString, type CliCommand, type CliRunContext } from '../types.ts'

function iinOption(ctx: CliRunContext): string {
  const iin = requireString(ctx, 'iin')
  if (!checkIin(iin).valid) throw new CliUsageError(`--iin ${iin} is not a valid IIN`)
  return iin
}

/** The PKCS#12 password from a file or an environment variable, never from argv (visible in `ps`). */
function passwordOption(ctx: CliRunContext): string {
  const file = ctx.values['password-file']
  const env = ctx.values['password-env']
  if ((typeof file === 'string') === (typeof env === 'string')) throw new CliUsageError('give exactly one of --password-file and --password-env')
  if (typeof env === 'string') {
    const value = process.env[env]
    if (!value) throw new CliUsageError(`environment variable ${env} is empty`)
    return value
  }
  try {
    return readFileSync(file as string, 'utf8').replace(/\r?\n$/, '')
  } catch (e) {
    throw new CliUsageError(`cannot read ${String(file)}: ${(e as Error).message}`)
  }
}

const CLI_ACTOR = `cli:${process.env.USER ?? 'unknown'}`

export const commands: CliCommand[] = [
  {
    name: ['operator', 'add'],
    summary: 'Create or update an operator account bound to an IIN (name from the person registry unless given)',
    usage: '--iin <IIN> [--role operator|admin] [--surname <s> --name <n> [--patronymic <p>]]',
    options: { iin: { type: 'string' }, role: { type: 'string', default: 'operator' }, surname: { type: 'string' }, name: { type: 'string' }, patronymic: { type: 'string' } },
    async run(ctx) {
      const iin = iinOption(ctx)
      const role = ctx.values.role
      if (role !== 'operator' && role !== 'admin') throw new CliUsageError('--role must be operator or admin')
      const op = await ctx.withDatabase((db) =>
        upsertOperator(db, ctx.registry(), {
          iin,
          role,
          actor: CLI_ACTOR,
          ...(typeof ctx.values.surname === 'string' ? { surname: ctx.values.surname } : {}),
          ...(typeof ctx.values.name === 'string' ? { name: ctx.values.name } : {}),
          ...(typeof ctx.values.patronymic === 'string' ? { patronymic: ctx.values.patronymic } : {}),
        }),
      )
      ctx.out(`operator ${op.iin} (${op.surname} ${op.name}) role=${op.role} active`)
    },
  },
  {
    name: ['operator', 'list'],
    summary: 'List operator accounts',
    async run(ctx) {
      const rows = await ctx.withDatabase((db) => db.selectFrom('operators').selectAll().orderBy('iin').execute())
      for (const op of rows) ctx.out(`${op.iin}  ${op.role.padEnd(8)} ${op.active ? 'active  ' : 'inactive'}  ${op.surname} ${op.name}`)
      if (rows.length === 0) ctx.out('no operators (add one with `qoltanba operator add --iin …`)')
    },
  },
  {
    name: ['operator', 'deactivate'],
    summary: 'Deactivate an operator account (its sessions stop working at once)',
    usage: '--iin <IIN>',
    options: { iin: { type: 'string' } },
    async run(ctx) {
      const iin = iinOption(ctx)
      const changed = await ctx.withDatabase((db) => deactivateOperator(db, iin, CLI_ACTOR))
      ctx.out(changed ? `operator ${iin} deactivated` : `operator ${iin} was not active`)
      return changed ? 0 : 1
    },
  },
  {
    name: ['operator', 'sign-in'],
    summary: 'Sign in to the operator API with the operator\'s PKCS#12 (certificate sign-in); prints the session cookie',
    usage: '--p12 <file.p12> (--password-file <file> | --password-env <VAR>) [--url <Registration Center, default PUBLIC_URL>]',
    options: { p12: { type: 'string' }, 'password-file': { type: 'string' }, 'password-env': { type: 'string' }, url: { type: 'string' } },
    async run(ctx) {
      const p12Path = requireString(ctx, 'p12')
      const password = passwordOption(ctx)
      const url = typeof ctx.values.url === 'string' ? ctx.values.url.replace(/\/$/, '') : ctx.config().publicUrl
      let p12: Buffer
      try {
        p12 = readFileSync(p12Path)
      } catch (e) {
        throw new CliUsageError(`cannot read ${p12Path}: ${(e as Error).message}`)
      }
      try {
        const { session, cookie } = await signInWithPkcs12({ baseUrl: url, fetch: globalThis.fetch, p12: new Uint8Array(p12), password })
        // The cookie alone on stdout, so scripts can use it: curl -b "$(qoltanba operator sign-in …)" …
        ctx.out(cookie)
        ctx.err(`signed in as ${session.subject} (${session.role}) until ${session.expiresAt}`)
      } catch (e) {
        const code = (e as { code?: unknown }).code
        ctx.err(`sign-in refused${typeof code === 'string' ? ` (${code})` : ''}: ${(e as Error).message}`)
        return 1
      }
    },
  },
]
