/**
 * CA benchmarks (`npm run bench ca`), each figure with its baseline from the same run:
 * 1. certificates issued per second end to end (HTTP + database + signing) vs the raw signing
 *    rate of the same CA key (target ≥ 30 %);
 * 2. OCSP responses per second vs `openssl ocsp -index … -port` with the same responder key and
 *    load generator (target ≥ 5×);
 * 3. CRL generation for 100,000 and 1,000,000 revoked entries vs `openssl ca -gencrl` on the
 *    same data (target: no slower), both the first CRL after a start (one database query over
 *    the entries the database keeps encoded) and the regeneration after a revocation.
 * CA_BENCH_QUICK=1 shrinks every size for a smoke run.
 */
import { createServer } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { crlFigures } from './ca/crl.ts'
import { endToEndRate } from './ca/issuance.ts'
import { ocspFigures } from './ca/ocsp.ts'
import { prepareServer } from './ca/server.ts'

const quick = process.env.CA_BENCH_QUICK === '1'

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

const f0 = (n: number) => n.toFixed(0)
const f2 = (n: number) => n.toFixed(2)

export async function run(): Promise<void> {
  const server = await prepareServer()
  try {
    // Shared machines skew absolute figures: print the load so a reader can judge them.
    console.info(`CA keys RSA-3072 (default) in encrypted PKCS#8 files; ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`)

    // 1. Issuance.
    await server.start()
    let e2e
    try {
      e2e = await endToEndRate(server, quick ? 30 : 200, 4)
    } finally {
      await server.stop()
    }
    const raw = e2e.rawPerSecond
    console.info(`issuance: raw CA signatures ${f0(raw)}/s (1 thread, measured between the approval batches) | end to end ${f0(e2e.certsPerSecond)} certificates/s (HTTP approve, 2 per transaction, 4 in flight, failures ${e2e.failures}) → ${f0((100 * e2e.certsPerSecond) / raw)} % of raw (target ≥ 30 %)`)

    // 2. OCSP.
    const o = await ocspFigures(server, e2e.serial, await freePort(), quick ? 1000 : 4000, 8)
    const line = (name: string, r: { rps: number; p50ms: number; p99ms: number; errors: number }) =>
      `${name} ${f0(r.rps)}/s (p50 ${f2(r.p50ms)} ms, p99 ${f2(r.p99ms)} ms, errors ${r.errors})`
    console.info(`OCSP, same responder key (RSA-3072), same canned requests, alternating rounds; 8 concurrent, a new connection per request:`)
    console.info(`  no nonce: ${line('ours', o.ours)} | ${line('openssl', o.openssl)} → ${f2(o.ours.rps / o.openssl.rps)}× (target ≥ 5×)`)
    console.info(`  GET (base64 path), no nonce: ${line('ours', o.oursGet)}`)
    console.info(`  1 keep-alive connection, sequential: ${line('ours', o.oursSerial)} | ${line('openssl', o.opensslSerial)} → ${f2(o.oursSerial.rps / o.opensslSerial.rps)}×`)
    console.info(`  with nonce (signed per request): ${line('ours', o.oursNonce)} | ${line('openssl', o.opensslNonce)} → ${f2(o.oursNonce.rps / o.opensslNonce.rps)}×`)

    // 3. CRL.
    console.info(`load average now ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`)
    for (const n of quick ? [10_000] : [100_000, 1_000_000]) {
      const c = await crlFigures(server, n)
      console.info(`CRL ${n.toLocaleString('en')} entries (${(c.bytes / 1e6).toFixed(1)} MB; openssl ${(c.opensslBytes / 1e6).toFixed(1)} MB): ours ${f2(c.oursWarm)} s regeneration after a revocation (steady state), ${f2(c.oursCold)} s first generation after start (full DB read of the stored entries) | openssl ca -gencrl ${f2(c.openssl)} s → ours ${f2(c.openssl / c.oursWarm)}× as fast steady state, ${f2(c.openssl / c.oursCold)}× cold (target ≥ 1×)`)
    }
  } finally {
    await server.stop()
    server.remove()
  }
}
