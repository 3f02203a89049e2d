/**
 * usePasskeys over the app's containers store: passkeys are never offered on a kiosk (even for a
 * container that has one), are offered where the browser has WebAuthn with PRF, and a wrong
 * passkey reads as the passkey's own sentence with the retry wait.
 */
import 'fake-indexeddb/auto'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSSRApp, defineComponent } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createI18n } from 'vue-i18n'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import en from '@/i18n/locales/en.json'
import { usePasskeys } from '@/composables/passkeys.ts'
import { useContainersStore } from '@/stores/containers.ts'
import { useKioskStore } from '@/stores/kiosk.ts'
import { deleteKeystoreDatabase } from '@/keystore/index.ts'
import { SoftAuthenticator } from './passkey-authenticator.ts'

// A browser with WebAuthn in a secure context, as far as feature detection looks.
const saved = { pkc: globalThis.PublicKeyCredential, secure: globalThis.isSecureContext }
beforeAll(() => {
  Object.assign(globalThis, { PublicKeyCredential: class {}, isSecureContext: true })
  if (!globalThis.navigator?.credentials) Object.defineProperty(globalThis, 'navigator', { value: { ...globalThis.navigator, credentials: {} }, configurable: true })
})
afterAll(() => {
  Object.assign(globalThis, { PublicKeyCredential: saved.pkc, isSecureContext: saved.secure })
})

let pinia: Pinia
beforeEach(async () => {
  pinia = createPinia()
  setActivePinia(pinia)
  await deleteKeystoreDatabase()
})

async function composable(): Promise<ReturnType<typeof usePasskeys>> {
  let made: ReturnType<typeof usePasskeys> | undefined
  const app = createSSRApp(defineComponent({ setup: () => ((made = usePasskeys()), () => null) }))
  app.use(pinia)
  app.use(createI18n({ legacy: false, locale: 'en', messages: { en } }))
  await renderToString(app)
  return made!
}

describe('usePasskeys', () => {
  it('offers passkeys in a browser with PRF, never on a kiosk', async () => {
    const store = useContainersStore()
    const id = await store.createContainer('Kiosk test', 'kiosk-test-password', 'P-256')
    await (await store.useKeystore()).addPasskey(id, 'kiosk-test-password', new SoftAuthenticator(), 'Phone')

    const passkeys = await composable()
    expect((await passkeys.list(id)).map((p) => p.label)).toEqual(['Phone'])
    expect(passkeys.availability.value).toBe('available')

    useKioskStore().active = true
    expect(passkeys.availability.value).toBe('kiosk')
    expect(await passkeys.list(id)).toEqual([])
  })

  it('says a wrong passkey in its own words, with the wait', async () => {
    const { message } = await composable()
    expect(message({ code: 'ERR_WRONG_PASSWORD', details: { factor: 'passkey', retryAfterMs: 0 } })).toBe(en.passkey.errors.wrong)
    expect(message({ code: 'ERR_WRONG_PASSWORD', details: { factor: 'passkey', reason: 'credential', retryAfterMs: 2000 } })).toBe(
      `${en.passkey.errors.wrong} ${en.certificates.unlock.retry_in.split(' | ').at(-1)!.replace('{n}', '2')}`,
    )
    expect(message({ code: 'ERR_NOT_SUPPORTED', details: { reason: 'prf' } })).toBe(en.passkey.errors.no_prf)
    expect(message({ code: 'ERR_WRONG_PASSWORD', details: {} })).toBe(en.errors.ERR_WRONG_PASSWORD)
  })
})
