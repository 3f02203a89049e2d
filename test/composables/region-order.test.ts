/** The region list reads in the reader's alphabet: cities first, then regions by proper name. */
import { describe, expect, it } from 'vitest'
import kk from '@/i18n/locales/kk.json'
import ru from '@/i18n/locales/ru.json'
import en from '@/i18n/locales/en.json'
import { regionCodesInOrder, regionSortKey } from '@/composables/region-name.ts'

const namesIn = (messages: typeof kk) => (code: string): string =>
  (messages.request.regions as Record<string, string>)[code.replace('-', '_')] ?? code

describe('regionCodesInOrder', () => {
  it.each([
    ['ru', ru, ['город Алматы', 'город Астана', 'город Шымкент', 'область Абай', 'Акмолинская область', 'Актюбинская область', 'Алматинская область', 'Атырауская область', 'Восточно-Казахстанская область', 'Жамбылская область', 'область Жетісу']],
    ['kk', kk, ['Алматы қаласы', 'Астана қаласы', 'Шымкент қаласы', 'Абай облысы', 'Ақмола облысы', 'Ақтөбе облысы', 'Алматы облысы', 'Атырау облысы', 'Батыс Қазақстан облысы', 'Жамбыл облысы', 'Жетісу облысы']],
    ['en', en, ['Almaty (city)', 'Astana (city)', 'Shymkent (city)', 'Abai Region', 'Akmola Region', 'Aktobe Region', 'Almaty Region', 'Atyrau Region', 'East Kazakhstan Region', 'Jambyl Region', 'Jetisu Region']],
  ] as const)('%s: cities, then regions in that language\'s alphabet', (locale, messages, firstEleven) => {
    const name = namesIn(messages)
    const order = regionCodesInOrder(name, locale).map(name)
    expect(order.slice(0, 11)).toEqual(firstEleven)
    expect(order).toHaveLength(20)
  })

  it('Russian order is not the Kazakh one', () => {
    expect(regionCodesInOrder(namesIn(ru), 'ru')).not.toEqual(regionCodesInOrder(namesIn(kk), 'kk'))
  })

  it('leaves the generic word out of the sort key', () => {
    expect(regionSortKey('область Ұлытау')).toBe('Ұлытау')
    expect(regionSortKey('Ұлытау облысы')).toBe('Ұлытау')
    expect(regionSortKey('Astana (city)')).toBe('Astana')
  })
})
