/**
 * The consent's claims in words: each thing a portal receives is said once (the four name claims
 * are one sentence, amr/acr one), in the order the provider lists them, and every claim the
 * provider can release (server/oidc/claims.ts) has a sentence in kk, ru and en — a claim without
 * one would show up on the consent screen as its bare name.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { claimWords } from '../../src/components/oidc/claim-words.ts'
import { SCOPE_CLAIMS } from '../../server/oidc/claims.ts'

const locale = (lang: string) =>
  (JSON.parse(readFileSync(new URL(`../../src/i18n/locales/${lang}.json`, import.meta.url), 'utf8')) as { oidc: { claims: Record<string, string> } }).oidc.claims

describe('claimWords', () => {
  it('says each thing once, in the order given', () => {
    expect(claimWords(['sub', 'name', 'family_name', 'given_name', 'middle_name', 'x5t#S256', 'amr', 'acr'])).toEqual([
      { key: 'sub' },
      { key: 'names' },
      { key: 'certificate' },
      { key: 'key_kind' },
    ])
  })

  it('names a claim it does not know by its name, once', () => {
    expect(claimWords(['sub', 'favourite_colour', 'favourite_colour'])).toEqual([{ key: 'sub' }, { unknown: 'favourite_colour' }])
  })

  it('has a sentence in every language for every claim the provider releases', () => {
    const all = Object.values(SCOPE_CLAIMS).flat()
    const words = claimWords(all)
    expect(words.filter((w) => 'unknown' in w)).toEqual([])
    for (const lang of ['kk', 'ru', 'en']) {
      const sentences = locale(lang)
      for (const w of words) if ('key' in w) expect(sentences[w.key], `${lang}: oidc.claims.${w.key}`).toBeTruthy()
    }
  })
})
