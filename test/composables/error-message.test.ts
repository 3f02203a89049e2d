/**
 * The one error-message composable with the real English messages: a code's sentence, the
 * generic one for anything unknown, and the extras an area asks for (the wait after a wrong
 * password, the attempts left after a wrong PIN or pairing code) — and only when it asks.
 */
import { describe, expect, it } from 'vitest'
import { createSSRApp, defineComponent } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { createI18n } from 'vue-i18n'
import en from '@/i18n/locales/en.json'
import { errorCode, useErrorMessage, type ErrorMessageOptions } from '@/composables/error-message.ts'

/** Runs the composable in a component's setup (where useI18n works) and hands it back. */
async function composable(options?: ErrorMessageOptions): Promise<ReturnType<typeof useErrorMessage>> {
  let made: ReturnType<typeof useErrorMessage> | undefined
  const app = createSSRApp(defineComponent({ setup: () => { made = useErrorMessage(options); return () => null } }))
  app.use(createI18n({ legacy: false, locale: 'en', messages: { en } }))
  await renderToString(app)
  return made!
}

const wrongPassword = { code: 'ERR_WRONG_PASSWORD', details: { retryAfterMs: 4_200 } }
const wrongPin = { code: 'ERR_WRONG_PIN', details: { attemptsLeft: 2 } }

describe('useErrorMessage', () => {
  it('gives the sentence of a known code and the generic one otherwise', async () => {
    const { text, message } = await composable()
    expect(text('ERR_WRONG_PIN')).toBe(en.errors.ERR_WRONG_PIN)
    expect(text(null)).toBe(en.errors.ERR_INTERNAL)
    expect(text('ERR_NO_SUCH_CODE')).toBe(en.errors.ERR_INTERNAL)
    expect(message(new Error('untyped'))).toBe(en.errors.ERR_INTERNAL)
    expect(message(null)).toBe(en.errors.ERR_INTERNAL)
    // Without options, no extras even when the error carries them.
    expect(message(wrongPassword)).toBe(en.errors.ERR_WRONG_PASSWORD)
    expect(message(wrongPin)).toBe(en.errors.ERR_WRONG_PIN)
  })

  it('adds the wait before the next password attempt when asked', async () => {
    const { message } = await composable({ retryWait: true })
    expect(message(wrongPassword)).toBe(`${en.errors.ERR_WRONG_PASSWORD} ${en.certificates.unlock.retry_in.split(' | ').at(-1)!.replace('{n}', '5')}`)
    expect(message({ code: 'ERR_WRONG_PASSWORD' })).toBe(en.errors.ERR_WRONG_PASSWORD)
    expect(message(wrongPin)).toBe(en.errors.ERR_WRONG_PIN)
  })

  it('adds the attempts left after a wrong PIN or pairing code when asked', async () => {
    const { message } = await composable({ attemptsLeft: true })
    expect(message(wrongPin)).toBe(`${en.errors.ERR_WRONG_PIN} ${en.agents.pin.attempts_left.split(' | ').at(-1)!.replace('{n}', '2')}`)
    expect(message({ code: 'ERR_WRONG_PIN', details: { pinCountLow: true } })).toBe(`${en.errors.ERR_WRONG_PIN} ${en.agents.pin.count_low}`)
    expect(message({ code: 'ERR_PAIRING_FAILED', details: { attemptsLeft: 0 } })).toBe(en.errors.ERR_PAIRING_FAILED)
    expect(message(wrongPassword)).toBe(en.errors.ERR_WRONG_PASSWORD)
  })
})

describe('errorCode', () => {
  it('is the ERR_ code of anything thrown, ERR_INTERNAL otherwise', () => {
    expect(errorCode({ code: 'ERR_NETWORK' })).toBe('ERR_NETWORK')
    expect(errorCode({ code: 'ENOENT' })).toBe('ERR_INTERNAL')
    expect(errorCode(undefined)).toBe('ERR_INTERNAL')
  })
})
