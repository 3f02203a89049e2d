/**
 * The timestamp authority's throughput (called by bench/sign.bench.ts, `npm run bench -- sign`):
 * timestamps per second from the real server in a child process (POST /tsp over HTTP, many in
 * flight, keep-alive), next to raw signatures per second with the same TSA key (default
 * RSA-3072) in this process, measured in the same run: on one thread (sign, synchronous) and
 * with many in flight (signAsync, Node's thread pool). The target (≥ 60 %) is against the
 * one-thread figure, as the CA bench's issuance target is: parsing, the serial from the database
 * sequence, the TSTInfo and the HTTP round trip must cost little next to the signature. The
 * thread-pool figure is printed too: on a 2-core machine the server's main thread (HTTP, pkijs,
 * the embedded database) and the load generator share the cores the pool signs on, so the TSA
 * cannot reach it there.
 * TSA_BENCH_QUICK=1 shortens every round for a smoke run.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { cpus, loadavg } from 'node:os'
import { createHash } from 'node:crypto'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { decryptKeyPem } from '../server/ca/key-file.ts'
import { softwareSigner, type CaSigner } from '../server/ca/signer.ts'
import { AlgorithmOid } from '../src/pki/oids.ts'
import { load } from './ca/load.ts'
import { prepareServer } from './ca/server.ts'

const quick = process.env.TSA_BENCH_QUICK === '1'
const ROUND_MS = quick ? 1000 : 5000
const IN_FLIGHT = 32
const f0 = (n: number) => n.toFixed(0)

/** What `openssl ts -query -sha256 -cert` sends: SHA-256 imprint, a 64-bit nonce, certReq. */
function timestampQuery(): Buffer<ArrayBuffer> {
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: AlgorithmOid.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: createHash('sha256').update('bench document').digest() }),
    }),
    nonce: asn1js.Integer.fromBigInt(0x1c592017a2a4b1f6n),
    certReq: true,
  })
  return Buffer.from(req.toSchema().toBER(false)) as Buffer<ArrayBuffer>
}

/** A granted TimeStampResp starts SEQUENCE { SEQUENCE { INTEGER 0 } …. */
const GRANTED = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])
const granted = (status: number, body: Buffer) => status === 200 && body.subarray(0, 12).includes(GRANTED)

/** Raw signatures per second over a token-sized input (the signed attributes are ~200 bytes). */
async function rawRate(signer: CaSigner, inFlight: number): Promise<number> {
  const data = Buffer.alloc(200, 7)
  const start = performance.now()
  const deadline = start + ROUND_MS
  let n = 0
  if (inFlight === 1) {
    while (performance.now() < deadline) {
      signer.sign(data)
      n++
    }
  } else {
    const worker = async () => {
      while (performance.now() < deadline) {
        await signer.signAsync(data)
        n++
      }
    }
    await Promise.all(Array.from({ length: inFlight }, worker))
  }
  return n / ((performance.now() - start) / 1000)
}

export async function benchTsa(): Promise<void> {
  const server = await prepareServer()
  // The bench is one client: lift the per-client limit it would otherwise hit at once.
  server.env.RATE_LIMIT_TSA = '1000000000'
  try {
    await server.start()
    const url = `${server.url}/tsp`
    const body = timestampQuery()
    const headers = { 'content-type': 'application/timestamp-query' }
    // The first request makes the TSA key and certificate (and decrypts nothing after that).
    const first = await fetch(url, { method: 'POST', headers, body })
    if (!granted(first.status, Buffer.from(await first.arrayBuffer()))) throw new Error(`the TSA did not grant the first request (HTTP ${first.status})`)
    const signer = softwareSigner(decryptKeyPem(readFileSync(join(server.dir, 'ca', 'tsa.key'), 'utf8'), server.env.CA_KEY_PASSPHRASE as string))
    const keyName = signer.keyType === 'RSA' ? 'RSA-3072' : 'P-256'
    console.info(`TSA key ${keyName} (the hierarchy's algorithm); ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`)

    // Warm both paths, then alternate so a change of machine load hits both alike.
    await load({ url, method: 'POST', body, headers, concurrency: IN_FLIGHT, durationMs: 500, keepAlive: true, check: granted })
    const raw1: number[] = []
    const rawN: number[] = []
    const tsa: Array<{ rps: number; p50ms: number; p99ms: number; errors: number }> = []
    for (let round = 0; round < 2; round++) {
      raw1.push(await rawRate(signer, 1))
      rawN.push(await rawRate(signer, IN_FLIGHT))
      tsa.push(await load({ url, method: 'POST', body, headers, concurrency: IN_FLIGHT, durationMs: ROUND_MS, keepAlive: true, check: granted }))
    }
    signer.close()
    const best = (xs: number[]) => Math.max(...xs)
    const bestTsa = tsa.reduce((a, b) => (b.rps > a.rps ? b : a))
    console.info(`raw ${keyName} signatures with the TSA key: ${f0(best(raw1))}/s on one thread, ${f0(best(rawN))}/s with ${IN_FLIGHT} in flight (thread pool); best of 2 rounds each`)
    console.info(`TSA over HTTP (POST /tsp, SHA-256 imprint + nonce + certReq, ${IN_FLIGHT} in flight, keep-alive, server in a child process): ${f0(bestTsa.rps)} timestamps/s (p50 ${bestTsa.p50ms.toFixed(1)} ms, p99 ${bestTsa.p99ms.toFixed(1)} ms, errors ${bestTsa.errors}) → ${f0((100 * bestTsa.rps) / best(raw1))} % of one-thread raw (target ≥ 60 %), ${f0((100 * bestTsa.rps) / best(rawN))} % of thread-pool raw`)
  } finally {
    await server.stop()
    server.remove()
  }
}
