import { defineConfig } from 'vitest/config'
import { fileURLToPath, URL } from 'node:url'

// Unit and integration tests run in Node with its native WebCrypto; browser behaviour is
// covered by the Playwright suite under test/e2e.
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
})
