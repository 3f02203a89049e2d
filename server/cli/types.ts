/**
 * The CLI's command contract. A command is a file in server/cli/commands/ exporting
 * `commands: CliCommand[]`; the dispatcher finds it by its words (`qoltanba operator sign-in …`),
 * so adding a command never means editing a shared file.
 */
import type { ServerConfig } from '../config.ts'
import type { Db } from '../db/schema.ts'
import type { PersonRegistry } from '../registry/registry.ts'

/** Options in node:util parseArgs form. */
export type CliOptions = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean }>

export interface CliIo {
  /** Normal output (stdout). */
  out(line: string): void
  /** Diagnostics (stderr). */
  err(line: string): void
}

export interface CliRunContext extends CliIo {
  /** Parsed option values (strings/booleans as declared). */
  readonly values: Record<string, string | boolean | Array<string | boolean> | undefined>
  /** Arguments that are not options. */
  readonly positionals: readonly string[]
  /** The validated configuration (from the environment). */
  config(): ServerConfig
  /** Opens (and migrates) the database, runs `fn`, closes it. */
  withDatabase<T>(fn: (db: Db) => Promise<T>): Promise<T>
  /** The configured person registry. */
  registry(): PersonRegistry
}

export interface CliCommand {
  /** The words that select it, e.g. ['operator', 'token']. */
  readonly name: readonly string[]
  /** One line for `qoltanba help`. */
  readonly summary: string
  /** Usage after the command words, e.g. '--iin <IIN> [--ttl <seconds>]'. */
  readonly usage?: string
  readonly options?: CliOptions
  /** Returns the exit code (default 0). Throw CliUsageError for bad arguments. */
  run(ctx: CliRunContext): Promise<number | void>
}

/** Bad arguments: printed with the command's usage, exit code 2. */
export class CliUsageError extends Error {}

/** A required string option, or CliUsageError. */
export function requireString(ctx: CliRunContext, name: string): string {
  const v = ctx.values[name]
  if (typeof v !== 'string' || v === '') throw new CliUsageError(`--${name} is required`)
  return v
}
