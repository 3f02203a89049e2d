import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, DEMO_REGISTRY_FILE, loadConfig } from '../../server/config.ts'

const dir = mkdtempSync(join(tmpdir(), 'qt-config-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env, dir)
  } catch (e) {
    if (e instanceof ConfigError) return e.problems
    throw e
  }
  return []
}

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig({}, dir)
    expect(c.port).toBe(8080)
    expect(c.dataDir).toBe(join(dir, 'data'))
    expect(c.publicUrl).toBe('http://localhost:8080')
    expect(c.databaseUrl).toBeUndefined()
    expect(c.registryFile).toBe(DEMO_REGISTRY_FILE)
    expect(c.secretFile).toBe(join(dir, 'data', 'server.secret'))
    expect(c.pkcs11).toBeUndefined()
    expect(c.caKeyAlgorithm).toBe('RSA-3072')
    expect(c.rateLimit.lookupMax).toBeGreaterThan(0)
  })

  it('reports every problem at once, one line each', () => {
    const p = problems({
      PORT: 'eighty',
      PUBLIC_URL: 'ftp://x',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      RATE_LIMIT_LOOKUP: '-1',
      REGISTRY_FILE: 'missing.json',
      CA_KEY_ALGORITHM: 'DSA',
    })
    expect(p).toHaveLength(7)
    expect(p.join('\n')).toMatch(/PORT/)
    expect(p.join('\n')).toMatch(/REGISTRY_FILE/)
    const e = (() => {
      try {
        loadConfig({ PORT: 'x', LOG_LEVEL: 'y' }, dir)
      } catch (err) {
        return err as Error
      }
    })()
    expect(e?.message.split('\n')).toHaveLength(3)
  })

  it('reads secrets from *_FILE, trims one trailing newline, and refuses both forms', () => {
    writeFileSync(join(dir, 'pass'), 'correct horse battery\n')
    expect(loadConfig({ CA_KEY_PASSPHRASE_FILE: 'pass' }, dir).caKeyPassphrase).toBe('correct horse battery')
    expect(loadConfig({ CA_KEY_PASSPHRASE: 'long enough pass' }, dir).caKeyPassphrase).toBe('long enough pass')
    expect(problems({ CA_KEY_PASSPHRASE: 'long enough pass', CA_KEY_PASSPHRASE_FILE: 'pass' })).toEqual(['set either CA_KEY_PASSPHRASE or CA_KEY_PASSPHRASE_FILE, not both'])
    expect(problems({ CA_KEY_PASSPHRASE_FILE: 'nope' })[0]).toMatch(/cannot be read/)
    expect(problems({ CA_KEY_PASSPHRASE: 'short' })[0]).toMatch(/at least 8/)
  })

  it('parses TRUST_PROXY', () => {
    expect(loadConfig({}, dir).trustProxy).toBe(false)
    expect(loadConfig({ TRUST_PROXY: 'true' }, dir).trustProxy).toBe(true)
    expect(loadConfig({ TRUST_PROXY: '1' }, dir).trustProxy).toBe(1)
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }, dir).trustProxy).toBe('10.0.0.0/8, 127.0.0.1')
    expect(problems({ TRUST_PROXY: 'everyone' })[0]).toMatch(/TRUST_PROXY/)
  })

  it('validates the PKCS#11 settings together', () => {
    writeFileSync(join(dir, 'pin'), '1234\n')
    const module = '/usr/lib/softhsm/libsofthsm2.so'
    const ok = loadConfig({ PKCS11_MODULE: module, PKCS11_PIN_FILE: 'pin', PKCS11_TOKEN_LABEL: 'qoltanba' }, dir)
    expect(ok.pkcs11).toEqual({ module, pin: '1234', slot: undefined, tokenLabel: 'qoltanba' })
    expect(loadConfig({ PKCS11_MODULE: module, PKCS11_PIN: '1', PKCS11_SLOT: '3' }, dir).pkcs11?.slot).toBe(3)
    expect(problems({ PKCS11_MODULE: module, PKCS11_TOKEN_LABEL: 'x' })).toEqual(['PKCS11_MODULE is set but PKCS11_PIN (or PKCS11_PIN_FILE) is missing'])
    expect(problems({ PKCS11_MODULE: module, PKCS11_PIN: '1' })[0]).toMatch(/neither PKCS11_SLOT nor PKCS11_TOKEN_LABEL/)
    expect(problems({ PKCS11_MODULE: module, PKCS11_PIN: '1', PKCS11_SLOT: '1', PKCS11_TOKEN_LABEL: 'x' })[0]).toMatch(/not both/)
    expect(problems({ PKCS11_MODULE: '/no/such.so', PKCS11_PIN: '1', PKCS11_SLOT: 'a' })).toHaveLength(2)
    expect(problems({ PKCS11_PIN: '1' })[0]).toMatch(/PKCS11_MODULE is not/)
  })
})
