/**
 * `qoltanba <command words> [options]`: finds the command among server/cli/commands/*.ts (every
 * file exports `commands: CliCommand[]`) by the longest matching words and runs it.
 */
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig, type ServerConfig } from '../config.ts'
import { openDatabase } from '../db/database.ts'
import { JsonFileRegistry, type PersonRegistry } from '../registry/registry.ts'
import { CliUsageError, type CliCommand, type CliIo, type CliRunContext } from './types.ts'

const COMMANDS_DIR = fileURLToPath(new URL('./commands/', import.meta.url))

/** Every registered command, sorted by name. */
export async function loadCommands(): Promise<CliCommand[]> {
  const all: CliCommand[] = []
  for (const file of readdirSync(COMMANDS_DIR).sort()) {
    if (!/^[\w-]+\.ts$/.test(file)) continue
    const mod = (await import(pathToFileURL(join(COMMANDS_DIR, file)).href)) as { commands?: CliCommand[] }
    all.push(...(mod.commands ?? []))
  }
  return all.sort((a, b) => a.name.join(' ').localeCompare(b.name.join(' ')))
}

function usageOf(c: CliCommand): string {
  return `qoltanba ${c.name.join(' ')}${c.usage ? ` ${c.usage}` : ''}`
}

function help(commands: CliCommand[], io: CliIo): void {
  io.out('Usage: qoltanba <command> [options]\n\nCommands:')
  const width = Math.max(...commands.map((c) => c.name.join(' ').length))
  for (const c of commands) io.out(`  ${c.name.join(' ').padEnd(width)}  ${c.summary}`)
  io.out('\nConfiguration comes from the environment (DATA_DIR, DATABASE_URL, …; see README).')
}

const consoleIo: CliIo = { out: (l) => console.info(l), err: (l) => console.error(l) }

/** Runs the CLI; returns the process exit code. */
export async function main(argv: string[], io: CliIo = consoleIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const commands = await loadCommands()
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    help(commands, io)
    return argv.length === 0 ? 2 : 0
  }
  const command = commands
    .filter((c) => c.name.every((w, i) => argv[i] === w))
    .sort((a, b) => b.name.length - a.name.length)[0]
  if (!command) {
    io.err(`Unknown command: ${argv.join(' ')}\n`)
    help(commands, io)
    return 2
  }
  const rest = argv.slice(command.name.length)
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`Usage: ${usageOf(command)}\n\n${command.summary}`)
    return 0
  }
  let config: ServerConfig | undefined
  let registry: PersonRegistry | undefined
  try {
    const parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true })
    const ctx: CliRunContext = {
      ...io,
      values: parsed.values,
      positionals: parsed.positionals,
      config: () => (config ??= loadConfig(env)),
      async withDatabase(fn) {
        const db = await openDatabase(ctx.config())
        try {
          return await fn(db)
        } finally {
          await db.destroy()
        }
      },
      registry: () => (registry ??= new JsonFileRegistry(ctx.config().registryFile)),
    }
    return (await command.run(ctx)) ?? 0
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(e.message)
      return 2
    }
    if (e instanceof CliUsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(e as Error).message}\nUsage: ${usageOf(command)}`)
      return 2
    }
    io.err(`Error: ${(e as Error).message}`)
    return 1
  }
}

// Run directly (`tsx server/cli/main.ts …`, npm scripts); bin/qoltanba.js calls main() itself.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2))
}
