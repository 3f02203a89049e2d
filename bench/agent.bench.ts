/**
 * Local agent benchmark (`npm run bench agent`) on a SoftHSM2 token, P-256:
 * 1. CMS signatures per second through the agent (WebSocket round trip, module initialised and
 *    logged in per operation, CMS built with pkijs) — what the PWA gets;
 * 2. baseline A: the same token signing a digest directly with pkcs11js, one session, logged in
 *    once (the token's raw rate);
 * 3. baseline B: directly, but initialise + login + sign + finalise per signature (the cost of
 *    the agent's "no login outlives the operation" rule, without WebSocket and CMS).
 * AGENT_BENCH_QUICK=1 shrinks the counts for a smoke run.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pkcs11js from 'pkcs11js'
import { WebSocket } from 'ws'
import { QoltanbaAgentSigner } from '../src/agents/qoltanba-agent-signer.ts'
import type { WebSocketLike } from '../src/agents/connection.ts'
import { startAgent } from '../agent/server.ts'

const MODULE = '/usr/lib/softhsm/libsofthsm2.so'
const PIN = '123456'
const ORIGIN = 'https://bench.example.kz'
const quick = process.env.AGENT_BENCH_QUICK === '1'

function rate(count: number, ms: number): number {
  return (count * 1000) / ms
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'qoltanba-agent-bench-'))
  const saved = process.env.SOFTHSM2_CONF
  try {
    mkdirSync(join(dir, 'tokens'))
    const conf = join(dir, 'softhsm2.conf')
    writeFileSync(conf, `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`)
    process.env.SOFTHSM2_CONF = conf
    execFileSync('softhsm2-util', ['--init-token', '--free', '--label', 'bench', '--so-pin', '1234', '--pin', PIN], { stdio: 'pipe' })

    const agent = await startAgent({ dataDir: dir, modules: [{ name: 'softhsm', path: MODULE }], plainPort: 0, tlsPort: null, showPairingCode: () => {} })
    agent.pairing.approve(ORIGIN)
    const client = new QoltanbaAgentSigner({ url: agent.plainUrl, createSocket: (u) => new WebSocket(u, { origin: ORIGIN }) as unknown as WebSocketLike })
    try {
      const [token] = await client.listTokens()
      if (!token) throw new Error('no token')
      const generated = await client.generateKeyAndCsr({ storageId: token.id, secret: PIN, algorithm: 'P-256', subject: { commonName: 'bench' } })
      writeFileSync(join(dir, 'req.der'), generated.csr)
      const sh = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
      sh(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Bench CA', '-days', '2'])
      sh(['req', '-inform', 'DER', '-in', 'req.der', '-out', 'req.pem'])
      sh(['x509', '-req', '-in', 'req.pem', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-outform', 'DER', '-out', 'cert.der'])
      const cert = await client.importCertificate({ storageId: token.id, secret: PIN, certificate: new Uint8Array(readFileSync(join(dir, 'cert.der'))) })
      const data = new Uint8Array(1024).fill(0x41)

      // 1. Through the agent.
      const n1 = quick ? 20 : 200
      await client.signCms({ data, storageId: token.id, certificateId: cert.id, secret: PIN }) // warm-up
      let t = performance.now()
      for (let i = 0; i < n1; i++) await client.signCms({ data, storageId: token.id, certificateId: cert.id, secret: PIN })
      const agentRate = rate(n1, performance.now() - t)

      const digest = createHash('sha256').update(data).digest()
      const keyId = Buffer.from(generated.keyId, 'hex')
      const signOnce = (p11: pkcs11js.PKCS11, session: pkcs11js.Handle): void => {
        p11.C_FindObjectsInit(session, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
          { type: pkcs11js.CKA_ID, value: keyId },
        ])
        const [key] = p11.C_FindObjects(session, 1)
        p11.C_FindObjectsFinal(session)
        if (!key) throw new Error('key not found')
        p11.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, key)
        p11.C_Sign(session, digest, Buffer.alloc(128))
      }

      // 2. Baseline A: one session, logged in once.
      const n2 = quick ? 200 : 3000
      const p11 = new pkcs11js.PKCS11()
      p11.load(MODULE)
      p11.C_Initialize()
      const slot = p11.C_GetSlotList(true)[0] as pkcs11js.Handle
      const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION)
      p11.C_Login(session, pkcs11js.CKU_USER, PIN)
      t = performance.now()
      for (let i = 0; i < n2; i++) signOnce(p11, session)
      const rawRate = rate(n2, performance.now() - t)
      p11.C_Finalize()
      p11.close()

      // 3. Baseline B: initialise + login + sign + finalise per signature.
      const n3 = quick ? 20 : 300
      t = performance.now()
      for (let i = 0; i < n3; i++) {
        const m = new pkcs11js.PKCS11()
        m.load(MODULE)
        m.C_Initialize()
        const s = m.C_OpenSession(m.C_GetSlotList(true)[0] as pkcs11js.Handle, pkcs11js.CKF_SERIAL_SESSION)
        m.C_Login(s, pkcs11js.CKU_USER, PIN)
        signOnce(m, s)
        m.C_Finalize()
        m.close()
      }
      const perOpRate = rate(n3, performance.now() - t)

      console.info(`agent CMS (P-256, 1 KiB, over ws):      ${agentRate.toFixed(1)} /s`)
      console.info(`baseline A raw token ECDSA (1 login):   ${rawRate.toFixed(1)} /s`)
      console.info(`baseline B per-operation init+login:    ${perOpRate.toFixed(1)} /s`)
      console.info(`agent / raw token:            ${(agentRate / rawRate).toFixed(3)}`)
      console.info(`agent / per-operation direct: ${(agentRate / perOpRate).toFixed(3)}  (the rest: WebSocket, JSON, CMS in pkijs)`)
    } finally {
      client.close()
      await agent.close()
    }
  } finally {
    if (saved === undefined) delete process.env.SOFTHSM2_CONF
    else process.env.SOFTHSM2_CONF = saved
    rmSync(dir, { recursive: true, force: true })
  }
}
