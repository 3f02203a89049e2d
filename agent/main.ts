/**
 * `npm run agent`: starts the local agent with the configuration from agent/config.ts, prints
 * where it listens, and shows pairing codes on this console. Commands typed here:
 * `origins` lists approved sites, `forget <origin>` removes one.
 */
import { createInterface } from 'node:readline'
import { loadAgentConfig } from './config.ts'
import { startAgent } from './server.ts'
import { ensureLoopbackCertificate } from './tls.ts'

const config = loadAgentConfig()
const tls = config.tlsPort === null ? undefined : await ensureLoopbackCertificate(config.dataDir)
if (tls?.created) console.info(`Created the agent's TLS certificate: ${tls.certPath}\nAdd it to your trust store (agent/README.md).`)
const agent = await startAgent({
  dataDir: config.dataDir,
  modules: config.modules,
  tlsPort: config.tlsPort,
  plainPort: config.plainPort,
  tls,
  showPairingCode: (origin, code) => console.info(`\nPairing request from ${origin}\n  Code: ${code}\n  Type this code on that page to allow it to use your tokens.\n`),
  log: (line) => console.info(line),
})
console.info(`Qoltanba agent listening on ${[agent.tlsUrl, agent.plainUrl].filter(Boolean).join(' and ')}`)
console.info(`Data dir: ${config.dataDir}; PKCS#11 modules: ${config.modules.map((m) => `${m.name} (${m.path})`).join(', ') || 'none found'}`)

const rl = createInterface({ input: process.stdin })
rl.on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/)
  if (cmd === 'origins') console.info(agent.pairing.list().join('\n') || '(none)')
  else if (cmd === 'forget' && arg) {
    agent.pairing.revoke(arg)
    console.info(`Forgot ${arg}`)
  }
})
const stop = (): void => {
  rl.close()
  void agent.close().then(() => process.exit(0))
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
