import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { clientConfigRoutes, isKioskHost } from '../../server/routes/client-config.ts'

const base = { DATA_DIR: '/tmp/qoltanba-kiosk-config-test' }

async function ask(env: NodeJS.ProcessEnv, host: string) {
  const config = loadConfig({ ...base, ...env })
  const app = Fastify()
  await app.register(clientConfigRoutes, { kiosk: config.kiosk })
  const res = await app.inject({ method: 'GET', url: '/api/v1/client-config', headers: { host } })
  await app.close()
  return { status: res.statusCode, cache: res.headers['cache-control'], body: res.json() as { kiosk: boolean; idleSeconds: number; warnSeconds: number } }
}

describe('kiosk deployment setting', () => {
  it('is off by default, with the default timings', async () => {
    const r = await ask({}, 'rc.example.kz')
    expect(r).toEqual({ status: 200, cache: 'no-store', body: { kiosk: false, idleSeconds: 120, warnSeconds: 30 } })
  })

  it('KIOSK=1 makes every client a kiosk', async () => {
    expect((await ask({ KIOSK: '1', KIOSK_IDLE_SECONDS: '5', KIOSK_WARN_SECONDS: '25' }, 'any:8080')).body).toEqual({
      kiosk: true,
      idleSeconds: 5,
      warnSeconds: 25,
    })
  })

  it('KIOSK_HOSTS makes only the named hosts kiosks (port and case ignored)', async () => {
    const env = { KIOSK_HOSTS: 'kiosk1.rc.kz, Kiosk2.rc.kz' }
    expect((await ask(env, 'KIOSK2.rc.kz:443')).body.kiosk).toBe(true)
    expect((await ask(env, 'kiosk1.rc.kz')).body.kiosk).toBe(true)
    expect((await ask(env, 'www.rc.kz')).body.kiosk).toBe(false)
    expect(isKioskHost({ all: false, hosts: ['a'], idleSeconds: 1, warnSeconds: 20 }, undefined)).toBe(false)
  })

  it('refuses a warning shorter than 20 s and a bad KIOSK value', () => {
    expect(() => loadConfig({ ...base, KIOSK_WARN_SECONDS: '10' })).toThrow(ConfigError)
    expect(() => loadConfig({ ...base, KIOSK: 'yes' })).toThrow(/KIOSK must be 1 or 0/)
  })
})
