/**
 * For e2e specs with the local agent: a SoftHSM2 token filled by OpenSSL and pkcs11-tool (not by
 * our code), the agent as `npm run agent` runs it (a child process whose console output the test
 * reads, as the user would), and a Vite server for the test pages in ./agent-page on http://localhost.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { createServer, type ViteDevServer } from 'vite'

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so'
export const TOKEN_PIN = '123456'

/** A scratch dir with a SoftHSM2 config and one token holding a P-256 key + certificate (CKA_ID a1). */
export function prepareToken(label: string): { dir: string; env: NodeJS.ProcessEnv; certDer: string } {
  const dir = mkdtempSync(join(tmpdir(), 'qoltanba-e2e-agent-'))
  mkdirSync(join(dir, 'tokens'))
  const conf = join(dir, 'softhsm2.conf')
  writeFileSync(conf, `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`)
  const env = { ...process.env, SOFTHSM2_CONF: conf }
  const sh = (cmd: string, args: string[]): void => void execFileSync(cmd, args, { cwd: dir, env, stdio: 'pipe' })
  sh('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', '1234', '--pin', TOKEN_PIN])
  sh('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-subj', '/CN=TOKEN HOLDER/serialNumber=IIN840317000029/C=KZ', '-days', '2', '-out', 'cert.pem'])
  sh('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', 'key.pem', '-outform', 'DER', '-out', 'key.der'])
  sh('openssl', ['x509', '-in', 'cert.pem', '-outform', 'DER', '-out', 'cert.der'])
  const p11 = ['--module', SOFTHSM_MODULE, '--token-label', label, '--login', '--pin', TOKEN_PIN]
  sh('pkcs11-tool', [...p11, '--write-object', 'key.der', '--type', 'privkey', '--id', 'a1', '--label', 'holder'])
  sh('pkcs11-tool', [...p11, '--write-object', 'cert.der', '--type', 'cert', '--id', 'a1', '--label', 'holder cert'])
  return { dir, env, certDer: join(dir, 'cert.der') }
}

/**
 * The agent as a child process (`node --import tsx agent/main.ts`), plain ws on a free port — or
 * on `port`, e.g. 13591, the development port the PWA on http://localhost uses (one such spec at a time).
 */
export interface AgentProcess {
  readonly url: string
  /** Everything the agent printed so far. */
  output(): string
  /** Resolves with the first match of `pattern` in the output (now or later). */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>
  stop(): Promise<void>
}

export async function spawnAgent(dataDir: string, env: NodeJS.ProcessEnv, port = 0): Promise<AgentProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'agent/main.ts'], {
    env: {
      ...env,
      QOLTANBA_AGENT_DIR: dataDir,
      QOLTANBA_AGENT_MODULES: `softhsm=${SOFTHSM_MODULE}`,
      QOLTANBA_AGENT_TLS_PORT: 'off',
      QOLTANBA_AGENT_PLAIN_PORT: String(port),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const waitFor = (pattern: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const m = pattern.exec(output)
        if (m) resolve(m)
        return m !== null
      }
      if (check()) return
      const onData = (): void => {
        if (check()) child.stdout?.off('data', onData)
      }
      child.stdout?.on('data', onData)
      child.once('exit', (code) => reject(new Error(`agent exited (${code}): ${output}`)))
    })
  const url = (await waitFor(/listening on (ws:\/\/127\.0\.0\.1:\d+\/)/))[1] as string
  return {
    url,
    output: () => output,
    waitFor,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}

/** Vite serving ./agent-page on http://localhost:<free port>; returns its base URL. */
export async function servePages(): Promise<{ base: string; close: () => Promise<void> }> {
  const root = fileURLToPath(new URL('./agent-page', import.meta.url))
  const server: ViteDevServer = await createServer({
    configFile: false,
    root,
    logLevel: 'error',
    plugins: [vue()],
    resolve: { alias: { '@': fileURLToPath(new URL('../../src', import.meta.url)) } },
    server: { host: 'localhost', port: 0, fs: { allow: [process.cwd()] } },
  })
  await server.listen()
  const address = server.httpServer?.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return { base: `http://localhost:${port}`, close: () => server.close() }
}

/** Removes a scratch dir. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}
