/**
 * Runs the `qoltanba` CLI in-process (server/cli/main.ts) with its output captured, as the CLI
 * tests all do: exit code, stdout lines and stderr lines joined.
 */
import { main } from '../../../server/cli/main.ts'

export interface CliRun {
  readonly code: number
  readonly out: string
  readonly err: string
}

/** `qoltanba <argv…>` with `env` as its whole environment. */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const code = await main([...argv], { out: (l) => out.push(l), err: (l) => err.push(l) }, env)
  return { code, out: out.join('\n'), err: err.join('\n') }
}
