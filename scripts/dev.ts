/**
 * `npm run dev`: the Registration Center API (restarted on change of any file it imports, by `tsx watch`) plus the Vite
 * dev server with hot reload, which proxies /api, /ca, /crl and /ocsp to the API.
 *
 * Ports: DEV_PORT (Vite, default 5173) and API_PORT (default 8787); DATA_DIR as for `npm start`.
 * The service worker is off in dev; set SW_DEV=true to try it (use a fresh browser profile).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createServer } from 'vite'

const apiPort = Number(process.env.API_PORT ?? 8787)
const devPort = Number(process.env.DEV_PORT ?? 5173)
const apiUrl = `http://127.0.0.1:${apiPort}`

const tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'))
const api = spawn(process.execPath, [tsxCli, 'watch', '--clear-screen=false', 'server/main.ts'], {
  stdio: 'inherit',
  env: { ...process.env, PORT: String(apiPort), HOST: '127.0.0.1', PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${devPort}` },
})

process.env.QOLTANBA_API_URL = apiUrl
const vite = await createServer({ server: { port: devPort, strictPort: true } })
await vite.listen()
vite.printUrls()
console.info(`API: ${apiUrl} (proxied under /api, /ca, /crl, /ocsp)`)

let stopping = false
async function stop(code = 0): Promise<void> {
  if (stopping) return
  stopping = true
  api.kill('SIGTERM')
  await vite.close()
  process.exit(code)
}
api.on('exit', (code) => {
  if (!stopping) {
    console.error(`API server exited (${code}); stopping the dev server`)
    void stop(code ?? 1)
  }
})
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
