/**
 * NCA's GOST keys in Chromium (issue 23), all figures from one page and one run:
 * - GOST 34.310-2004 and GOST 34.10-2015-512 sign and verify per second (1 KiB messages, hash
 *   included) next to WebCrypto P-256 in the same page;
 * - GOST-512 signing time against a container unlock (600,000 PBKDF2 iterations; target: signing
 *   ≤ 50 % of an unlock, so the signature is never what the user waits for);
 * - the lazy GOST chunk's size (target ≤ 40 KB gzip) and its load and first-use times.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { buildBenchPage, median, ms, openBenchPage, verdict } from './page-bench.ts'

const ORIGIN = 'http://localhost:5798'
const GOST_P12 = resolve('test/fixtures/nca-test-keys/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12')

export async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'qoltanba-gost-bench-'))
  const outDir = join(work, 'page')
  try {
    // The GOST code (and the curve library only it uses) in a chunk of its own so it can be
    // weighed; everything else in two other chunks, or Rollup would pull shared code into it.
    await buildBenchPage('gost-page', outDir, {
      rollupOptions: {
        output: {
          manualChunks: (id) =>
            id.includes('/src/pki/gost/') || id.includes('@noble/curves') ? 'gost' : id.includes('node_modules') ? 'vendor' : 'app',
        },
      },
    })
    const chunk = readdirSync(join(outDir, 'assets')).find((f) => f.startsWith('gost-') && f.endsWith('.js'))
    if (chunk) {
      const bytes = readFileSync(join(outDir, 'assets', chunk))
      const gz = gzipSync(bytes, { level: 9 }).length
      console.info(`GOST chunk ${chunk}: ${(bytes.length / 1024).toFixed(1)} KiB, ${(gz / 1024).toFixed(1)} KiB gzip (target ≤ 40 KB) ${verdict(gz <= 40_000)}`)
    }
    const p12 = [...new Uint8Array(readFileSync(GOST_P12))]
    const { browser, page } = await openBenchPage(outDir, ORIGIN)
    try {
      console.info(`Chromium ${browser.version()}; all figures from this page, this run.`)

      const rates = await page.evaluate(() => window.gostBench.signVerify(2))
      console.info(`lazy import of the GOST chunk ${ms(rates.importMs)}; first use builds base-point tables: ` +
        Object.entries(rates.firstUse).map(([k, v]) => `${k} ${ms(v)}`).join(', '))
      const p256 = rates['WebCrypto P-256']!
      for (const name of ['GOST 34.310-2004', 'GOST 34.10-2015 (512)', 'WebCrypto P-256']) {
        const r = rates[name]!
        console.info(
          `${name.padEnd(22)} sign ${r.sign.toFixed(0).padStart(6)}/s  verify ${r.verify.toFixed(0).padStart(6)}/s` +
            (name.startsWith('GOST') ? `   (P-256 is ${(p256.sign / r.sign).toFixed(1)}× / ${(p256.verify / r.verify).toFixed(1)}× faster)` : ''),
        )
      }

      const race = await page.evaluate(([bytes]) => window.gostBench.sign512VsUnlock(new Uint8Array(bytes), 5), [p12] as const)
      const share = median(race.sign) / median(race.unlock)
      console.info(
        `GOST-512 signature (1 KiB, hash included) median ${ms(median(race.sign))} vs container unlock (600,000 it.) ${ms(median(race.unlock))}` +
          `  ${(share * 100).toFixed(1)} % of an unlock (target ≤ 50 %) ${verdict(share <= 0.5)}`,
      )
    } finally {
      await browser.close()
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
