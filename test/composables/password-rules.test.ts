/** The one rule for a chosen password: ≥ 8 characters, not a breached password, zxcvbn score ≥ 3. */
import { describe, expect, it } from 'vitest'
import kk from '@/i18n/locales/kk.json'
import ru from '@/i18n/locales/ru.json'
import en from '@/i18n/locales/en.json'
import { judgePassword, PASSWORD_SUGGESTIONS, PASSWORD_WARNINGS } from '@/composables/password-rules.ts'

describe('judgePassword', () => {
  it.each([
    ['', 'too_short'],
    ['Ab1-xyz', 'too_short'],
    ['password1', 'common'],
    ['Password1!', 'common'],
    ['qwerty123', 'common'],
    ['Passw0rd!', 'common'],
    ['iloveyou2', 'common'],
    ['aaaaaaaaaa', 'weak'],
    ['different-1', 'weak'],
    ['Strong-Passw0rd-2026', null],
    ['correct horse battery staple', null],
    ['Алматы2026жыл', null],
    ['Qoltanba-2026', null],
  ] as const)('%j → %s', async (password, problem) => {
    expect((await judgePassword(password)).problem).toBe(problem)
  })

  it('a refused password never shows as good or strong, an accepted one never as weak', async () => {
    expect((await judgePassword('password1')).score).toBeLessThanOrEqual(2)
    expect((await judgePassword('correct horse battery staple')).score).toBeGreaterThanOrEqual(3)
  })

  it('the person\'s own IIN and name count as easy guesses', async () => {
    const verdict = await judgePassword('Testov900101300017', ['900101300017', 'Testov'])
    expect(verdict.problem).not.toBeNull()
    expect(verdict.warning).toBe('userInputs')
  })

  it('returns codes, with the advice for a breached password', async () => {
    const verdict = await judgePassword('password1')
    expect(PASSWORD_WARNINGS).toContain(verdict.warning)
    for (const s of verdict.suggestions) expect(PASSWORD_SUGGESTIONS).toContain(s)
  })
})

describe('every estimator code is translated', () => {
  it.each([['kk', kk], ['ru', ru], ['en', en]] as const)('%s', (_, messages) => {
    for (const code of PASSWORD_WARNINGS) expect(messages.password.warnings[code], code).toBeTruthy()
    for (const code of PASSWORD_SUGGESTIONS) expect(messages.password.suggestions[code], code).toBeTruthy()
    for (const problem of ['too_short', 'common', 'weak'] as const) expect(messages.password.problems[problem]).toBeTruthy()
  })
})
