/**
 * A fresh SoftHSM2 token per test (docs/protocols.md#pkcs11-and-softhsm2): a temporary folder
 * with its own softhsm2.conf, pointed to by SOFTHSM2_CONF in this process, so the agent (which
 * initialises the module per operation) sees only this token.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so'
export const USER_PIN = '123456'
export const SO_PIN = '1234'

/** A temporary token; `dir` also serves as a scratch folder for the test. */
export interface TestToken {
  readonly dir: string
  readonly conf: string
  readonly label: string
  /** Token serial as SoftHSM reports it. */
  readonly serial: string
  /** Storage id the agent gives it with module name "softhsm". */
  readonly storageId: string
  cleanup(): void
}

/** Creates the folder, the config and an initialised token, and sets SOFTHSM2_CONF. */
export function createTestToken(label = 't'): TestToken {
  const dir = mkdtempSync(join(tmpdir(), 'qoltanba-hsm-'))
  mkdirSync(join(dir, 'tokens'))
  const conf = join(dir, 'softhsm2.conf')
  writeFileSync(conf, `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`)
  const env = { ...process.env, SOFTHSM2_CONF: conf }
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', USER_PIN], { env, stdio: 'pipe' })
  const slots = execFileSync('softhsm2-util', ['--show-slots'], { env, encoding: 'utf8' })
  const serial = /Serial number:\s*(\S+)/.exec(slots.split('Token info:')[1] ?? '')?.[1]
  if (!serial) throw new Error('SoftHSM token serial not found')
  process.env.SOFTHSM2_CONF = conf
  return {
    dir,
    conf,
    label,
    serial,
    storageId: `p11:softhsm:${serial}`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/** Runs openssl with `args` in `cwd`; returns stdout+stderr (throws on a non-zero exit). */
export function openssl(cwd: string, args: string[]): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) + ''
}
