/**
 * The wizard store's storage answer (issue 17): "On your phone" needs no password here (the
 * phone asks for its own), browser and file storage still do; the applicant summary the kiosk
 * records for a phone-made application is the wizard's answers and nothing about keys.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useRequestWizardStore } from '@/stores/request-wizard.ts'

beforeEach(() => setActivePinia(createPinia()))

function answered() {
  const w = useRequestWizardStore()
  w.kind = 'individual'
  w.termsAccepted = true
  w.iin = '900101300017'
  w.person = { iin: '900101300017', surname: 'АХМЕТОВ', name: 'ӘЛИХАН', patronymic: null }
  w.region = 'KZ-75'
  w.center = { id: 'almaty-1', region: 'KZ-75', name: { kk: 'А', ru: 'А', en: 'A' }, address: { kk: '', ru: '', en: '' }, hours: { kk: '', ru: '', en: '' }, phone: '+7 727 000 00 00', mapUrl: 'https://example.kz', active: true, updatedAt: '2026-12-01T00:00:00Z' }
  return w
}

describe('request wizard: where the keys live', () => {
  it.each([
    ['phone', '', null],
    ['token', '', null],
    ['browser', '', 'storage'],
    ['file', '', 'storage'],
    ['file', 'Qoltanba-2026', null],
  ] as const)('%s with password "%s" → first missing %s', (storage, password, missing) => {
    const w = answered()
    w.storage = storage
    w.password = password
    expect(w.firstMissing()).toBe(missing)
  })

  it('summarises the applicant without anything about keys; $reset forgets it', () => {
    const w = answered()
    w.storage = 'phone'
    w.email = 'a@example.kz'
    expect(w.applicantSummary()).toEqual({
      kind: 'individual',
      profile: 'individual',
      iin: '900101300017',
      surname: 'АХМЕТОВ',
      name: 'ӘЛИХАН',
      patronymic: null,
      email: 'a@example.kz',
      bin: null,
      organization: null,
      region: 'KZ-75',
      center: w.center,
    })
    w.$reset()
    expect(w.applicantSummary()).toBeNull()
    expect(w.storage).toBeNull()
  })
})
