/** Test helpers: run OpenSSL in a temporary folder (the independent oracle for pki interop tests). */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A scratch folder with an `openssl` runner; call `cleanup()` in afterAll. */
export interface OpenSsl {
  readonly dir: string
  /** Runs openssl with args (cwd = dir); returns stdout+stderr as text. Throws on non-zero exit. */
  run(args: string[], input?: Uint8Array | string): string
  /** Like run, but returns the exit status and output instead of throwing. */
  tryRun(args: string[], input?: Uint8Array | string): { status: number; output: string }
  write(name: string, data: Uint8Array | string): string
  read(name: string): Uint8Array
  path(name: string): string
  cleanup(): void
}

export function openssl(prefix = 'qoltanba-pki-'): OpenSsl {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const tryRun = (args: string[], input?: Uint8Array | string) => {
    // spawnSync keeps stderr even on success: OpenSSL prints "verify OK" there.
    const r = spawnSync('openssl', args, { cwd: dir, input, maxBuffer: 64 * 1024 * 1024 })
    return { status: r.status ?? 1, output: `${r.stdout?.toString('utf8') ?? ''}${r.stderr?.toString('utf8') ?? ''}` }
  }
  return {
    dir,
    run(args, input) {
      const r = tryRun(args, input)
      if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.status}): ${r.output}`)
      return r.output
    },
    tryRun,
    write(name, data) {
      writeFileSync(join(dir, name), data)
      return join(dir, name)
    },
    read: (name) => new Uint8Array(readFileSync(join(dir, name))),
    path: (name) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}
