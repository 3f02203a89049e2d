/**
 * Certificates issued per second end to end — HTTP approve → one transaction (2 certificates
 * signed, inserted, audited) → response — against the raw signing rate of the same CA key.
 */
import { randomUUID } from 'node:crypto'
import { createCsr } from '../../src/pki/csr.ts'
import { fileCaStore } from '../../server/ca/ca-store-files.ts'
import { caDir, loadHierarchy } from '../../server/ca/hierarchy.ts'
import type { BenchServer } from './server.ts'

async function csrPem(): Promise<string> {
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair
  const der = await createCsr({ subject: { commonName: 'ТЕСТОВ ТЕСТ', country: 'KZ' }, keys })
  return Buffer.from(der).toString('base64')
}

/** Submits `n` applications (not timed), then approves them with `concurrency` in flight. */
export async function endToEndRate(server: BenchServer, n: number, concurrency: number): Promise<{ certsPerSecond: number; rawPerSecond: number; failures: number; serial: string }> {
  const numbers: string[] = []
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${server.url}/api/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({
        profile: 'individual', iin: '900101300017', region: 'KZ-75', storage: 'file',
        requests: [{ purpose: 'auth', csr: await csrPem() }, { purpose: 'sign', csr: await csrPem() }],
      }),
    })
    if (r.status !== 201) throw new Error(`submit failed: ${r.status} ${await r.text()}`)
    numbers.push(((await r.json()) as { number: string }).number)
  }
  // Approvals in batches, each preceded by a raw-signing round of the same key in this process,
  // so both figures see the same machine load.
  const h = await loadHierarchy(server.config, fileCaStore(caDir(server.config)))
  const tbs = Buffer.alloc(700, 7)
  let signatures = 0
  let signSeconds = 0
  let next = 0
  let certs = 0
  let failures = 0
  let serial = ''
  let seconds = 0
  const batch = Math.ceil(numbers.length / 4)
  const cookie = await server.operatorCookie()
  try {
    while (next < numbers.length) {
      const rawEnd = performance.now() + 400
      const rawStart = performance.now()
      while (performance.now() < rawEnd) {
        h.issuing.signer.sign(tbs)
        signatures++
      }
      signSeconds += (performance.now() - rawStart) / 1000
      const stop = Math.min(numbers.length, next + batch)
      const start = performance.now()
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < stop) {
            const number = numbers[next++] as string
            const r = await fetch(`${server.url}/api/v1/operator/applications/${number}/approve`, {
              method: 'POST',
              headers: { cookie, 'content-type': 'application/json' },
              // The operator's statement that the identity document was checked (required).
              body: '{"identityChecked":true}',
            })
            if (r.ok) {
              const issued = ((await r.json()) as { certificates: Array<{ serial: string }> }).certificates
              certs += issued.length
              serial ||= issued[0]?.serial ?? ''
            } else failures++
          }
        }),
      )
      seconds += (performance.now() - start) / 1000
    }
  } finally {
    h.close()
  }
  return { certsPerSecond: certs / seconds, rawPerSecond: signatures / signSeconds, failures, serial }
}
