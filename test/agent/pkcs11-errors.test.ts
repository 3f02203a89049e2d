/**
 * How token states become typed errors: the PIN retry flags of CK_TOKEN_INFO (PKCS#11 v2.40
 * §3.2) that SoftHSM2 cannot produce (it never reaches FINAL_TRY or LOCKED), and the CKR codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pkcs11js from 'pkcs11js'
import { describe, expect, it } from 'vitest'
import { mapPkcs11Error, pinFacts } from '../../agent/pkcs11/session.ts'
import { loadAgentConfig, parseModules } from '../../agent/config.ts'

describe('pinFacts', () => {
  it.each([
    ['no flags', 0, {}],
    ['COUNT_LOW', pkcs11js.CKF_USER_PIN_COUNT_LOW, { pinCountLow: true }],
    ['FINAL_TRY', pkcs11js.CKF_USER_PIN_FINAL_TRY | pkcs11js.CKF_USER_PIN_COUNT_LOW, { attemptsLeft: 1, pinCountLow: true }],
    ['LOCKED', pkcs11js.CKF_USER_PIN_LOCKED, { attemptsLeft: 0, pinLocked: true }],
  ])('%s', (_name, flags, facts) => {
    expect(pinFacts(flags | pkcs11js.CKF_TOKEN_INITIALIZED)).toEqual(facts)
  })
})

describe('mapPkcs11Error', () => {
  const ckr = (name: string, code: number): Error => new pkcs11js.Pkcs11Error(`${name}:${code}`, code, 'C_Login')

  it('wrong PIN on the final try says one attempt is left', () => {
    const e = mapPkcs11Error(ckr('CKR_PIN_INCORRECT', pkcs11js.CKR_PIN_INCORRECT), () => pkcs11js.CKF_USER_PIN_FINAL_TRY)
    expect(e.code).toBe('ERR_WRONG_PIN')
    expect(e.details).toEqual({ attemptsLeft: 1, pinCountLow: true })
    expect(e.message).toBe('Wrong PIN; 1 attempt(s) left')
  })

  it('a wrong PIN that locked the token is ERR_PIN_LOCKED', () => {
    const e = mapPkcs11Error(ckr('CKR_PIN_INCORRECT', pkcs11js.CKR_PIN_INCORRECT), () => pkcs11js.CKF_USER_PIN_LOCKED)
    expect(e.code).toBe('ERR_PIN_LOCKED')
  })

  it.each([
    ['CKR_PIN_LOCKED', pkcs11js.CKR_PIN_LOCKED, 'ERR_PIN_LOCKED'],
    ['CKR_TOKEN_NOT_PRESENT', pkcs11js.CKR_TOKEN_NOT_PRESENT, 'ERR_TOKEN_MISSING'],
    ['CKR_DEVICE_REMOVED', pkcs11js.CKR_DEVICE_REMOVED, 'ERR_TOKEN_MISSING'],
    ['CKR_SLOT_ID_INVALID', pkcs11js.CKR_SLOT_ID_INVALID, 'ERR_TOKEN_MISSING'],
    ['CKR_FUNCTION_FAILED', pkcs11js.CKR_FUNCTION_FAILED, 'ERR_INTERNAL'],
  ])('%s → %s', (name, code, expected) => {
    const e = mapPkcs11Error(ckr(name, code))
    expect(e.code).toBe(expected)
  })
})

describe('agent config', () => {
  it('reads modules from the environment and keeps only libraries that exist', () => {
    expect(parseModules('softhsm=/usr/lib/softhsm/libsofthsm2.so; kaztoken = /nope/lib.so')).toEqual([
      { name: 'softhsm', path: '/usr/lib/softhsm/libsofthsm2.so' },
      { name: 'kaztoken', path: '/nope/lib.so' },
    ])
    expect(() => parseModules('nopath')).toThrow(/name=path/)
    const dir = mkdtempSync(join(tmpdir(), 'qoltanba-agent-config-'))
    try {
      const config = loadAgentConfig({
        QOLTANBA_AGENT_DIR: dir,
        QOLTANBA_AGENT_MODULES: 'softhsm=/usr/lib/softhsm/libsofthsm2.so;kaztoken=/nope/lib.so',
        QOLTANBA_AGENT_TLS_PORT: 'off',
      })
      expect(config).toEqual({ dataDir: dir, tlsPort: null, plainPort: 13591, modules: [{ name: 'softhsm', path: '/usr/lib/softhsm/libsofthsm2.so' }] })
      writeFileSync(join(dir, 'agent.json'), JSON.stringify({ modules: [{ name: 'softhsm', path: '/usr/lib/softhsm/libsofthsm2.so' }], tlsPort: 14000, plainPort: 'off' }))
      expect(loadAgentConfig({ QOLTANBA_AGENT_DIR: dir })).toMatchObject({ tlsPort: 14000, plainPort: null })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
