/**
 * Operator accounts from the command line: add, list, deactivate, and short-lived API tokens
 * (until certificate sign-in replaces them). `operator create` (certificate + PKCS#12) is the
 * CA module's command.
 */
import { checkIin } from '../../../src/pki/iin.ts'
import { deactivateOperator, upsertOperator } from '../../operators/accounts.ts'
import { createOperatorToken, DEFAULT_TOKEN_TTL_SECONDS, MAX_TOKEN_TTL_SECONDS } from '../../operators/token.ts'
import { deriveKey, loadServerSecret } from '../../security/secret.ts'
import { CliUsageError, requireString, type CliCommand, type CliRunContext } from '../types.ts'

function iinOption(ctx: CliRunContext): string {
  const iin = requireString(ctx, 'iin')
  if (!checkIin(iin).valid) throw new CliUsageError(`--iin ${iin} is not a valid IIN`)
  return iin
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
    summary: 'Deactivate an operator account (its tokens stop working at once)',
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
    name: ['operator', 'token'],
    summary: 'Print a short-lived bearer token for the operator API (Authorization: Bearer …)',
    usage: `--iin <IIN> [--ttl <seconds, default ${DEFAULT_TOKEN_TTL_SECONDS}, max ${MAX_TOKEN_TTL_SECONDS}>]`,
    options: { iin: { type: 'string' }, ttl: { type: 'string' } },
    async run(ctx) {
      const iin = iinOption(ctx)
      const ttl = ctx.values.ttl === undefined ? DEFAULT_TOKEN_TTL_SECONDS : Number(ctx.values.ttl)
      if (!Number.isInteger(ttl) || ttl <= 0 || ttl > MAX_TOKEN_TTL_SECONDS) throw new CliUsageError(`--ttl must be 1..${MAX_TOKEN_TTL_SECONDS}`)
      const op = await ctx.withDatabase((db) => db.selectFrom('operators').selectAll().where('iin', '=', iin).executeTakeFirst())
      if (!op || !op.active) {
        ctx.err(`no active operator with IIN ${iin}; create one with \`qoltanba operator add --iin ${iin}\``)
        return 1
      }
      const key = deriveKey(loadServerSecret(ctx.config().secretFile), 'operator-token')
      // The token alone on stdout, so scripts can capture it: TOKEN=$(qoltanba operator token --iin …)
      ctx.out(createOperatorToken(key, iin, ttl))
      ctx.err(`token for ${op.surname} ${op.name} (${op.role}), valid ${ttl} s`)
    },
  },
]
