/**
 * Agent configuration: the data dir (TLS certificate, approved origins, agent.json), ports, and
 * PKCS#11 modules per token type. Defaults per OS; `agent.json` in the data dir or environment
 * variables override them:
 * - QOLTANBA_AGENT_DIR: data dir (default: ~/.config/qoltanba-agent, ~/Library/Application
 *   Support/qoltanba-agent, %APPDATA%\qoltanba-agent)
 * - QOLTANBA_AGENT_MODULES: `name=path;name=path` (replaces the module list)
 * - QOLTANBA_AGENT_TLS_PORT / QOLTANBA_AGENT_PLAIN_PORT (13590 / 13591; "off" disables one)
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { ModuleConfig } from './pkcs11/session.ts'

/** Resolved configuration. */
export interface AgentConfig {
  readonly dataDir: string
  readonly tlsPort: number | null
  readonly plainPort: number | null
  readonly modules: ModuleConfig[]
}

type Os = 'linux' | 'darwin' | 'win32'

/**
 * Usual library locations. Only files that exist are loaded. The vendor paths are the vendors'
 * documented install locations where known; check them against the installed middleware.
 */
const DEFAULT_MODULES: Record<Os, ModuleConfig[]> = {
  linux: [
    { name: 'softhsm', path: '/usr/lib/softhsm/libsofthsm2.so' },
    { name: 'kaztoken', path: '/usr/lib/libkztoken.so' },
    { name: 'jacarta', path: '/usr/lib/libjcPKCS11-2.so' },
    { name: 'etoken', path: '/usr/lib/libeTPkcs11.so' },
    { name: 'opensc', path: '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so' },
  ],
  darwin: [
    { name: 'softhsm', path: '/opt/homebrew/lib/softhsm/libsofthsm2.so' },
    { name: 'kaztoken', path: '/Library/Frameworks/kztoken.framework/kztoken' },
    { name: 'jacarta', path: '/Library/AladdinRD/JaCartaPKCS11/libjcPKCS11-2.dylib' },
    { name: 'etoken', path: '/usr/local/lib/libeTPkcs11.dylib' },
    { name: 'opensc', path: '/Library/OpenSC/lib/opensc-pkcs11.so' },
  ],
  win32: [
    { name: 'softhsm', path: 'C:\\SoftHSM2\\lib\\softhsm2-x64.dll' },
    { name: 'kaztoken', path: 'C:\\Windows\\System32\\kztoken.dll' },
    { name: 'jacarta', path: 'C:\\Windows\\System32\\jcPKCS11-2.dll' },
    { name: 'etoken', path: 'C:\\Windows\\System32\\eTPKCS11.dll' },
    { name: 'opensc', path: 'C:\\Windows\\System32\\opensc-pkcs11.dll' },
  ],
}

function defaultDataDir(os: string, env: NodeJS.ProcessEnv): string {
  if (os === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'qoltanba-agent')
  if (os === 'darwin') return join(homedir(), 'Library', 'Application Support', 'qoltanba-agent')
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'qoltanba-agent')
}

function port(value: string | number | undefined | null, fallback: number): number | null {
  if (value === 'off' || value === null) return null
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`Bad port: ${String(value)}`)
  return n
}

/** Parses `name=path;name=path`. */
export function parseModules(text: string): ModuleConfig[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=')
      if (i <= 0) throw new Error(`Bad module entry "${pair}" (expected name=path)`)
      return { name: pair.slice(0, i).trim(), path: pair.slice(i + 1).trim() }
    })
}

/** Reads the configuration from defaults, `agent.json` and the environment. */
export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env, os: string = process.platform): AgentConfig {
  const dataDir = env.QOLTANBA_AGENT_DIR || defaultDataDir(os, env)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  let file: { modules?: ModuleConfig[]; tlsPort?: number | 'off'; plainPort?: number | 'off' } = {}
  const path = join(dataDir, 'agent.json')
  if (existsSync(path)) file = JSON.parse(readFileSync(path, 'utf8')) as typeof file
  const defaults = DEFAULT_MODULES[(os in DEFAULT_MODULES ? os : 'linux') as Os]
  const modules = env.QOLTANBA_AGENT_MODULES ? parseModules(env.QOLTANBA_AGENT_MODULES) : file.modules ?? defaults
  return {
    dataDir,
    tlsPort: port(env.QOLTANBA_AGENT_TLS_PORT ?? file.tlsPort, 13590),
    plainPort: port(env.QOLTANBA_AGENT_PLAIN_PORT ?? file.plainPort, 13591),
    modules: modules.filter((m) => existsSync(m.path)),
  }
}
