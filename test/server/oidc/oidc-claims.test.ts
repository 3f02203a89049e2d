/**
 * The claims an account snapshot gives (server/oidc/account.ts): names from the certificate's
 * subject, legal-entity claims, x5t#S256 of the certificate used (ours or foreign, from the session),
 * hwk only for what our CA issued and recorded, and the pairwise subject (per IIN and sector, not per certificate). The end-to-end path through the
 * provider is in oidc-flow.test.ts; here the legal-entity and foreign cases, which need no CA.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts'
import type { AuthSession } from '../../../server/auth/schema.ts'
import { claimsOf, loadAccount, pairwiseSubject, snapshotOf } from '../../../server/oidc/account.ts'
import { claimsOfScopes } from '../../../server/oidc/claims.ts'

const session = (over: Partial<AuthSession>): AuthSession =>
  ({
    id_hash: 'h',
    iin: '850315300019',
    bin: null,
    role: 'holder',
    subject_dn: 'CN=ҚҰНАНБАЕВ АБАЙ, SURNAME=ҚҰНАНБАЕВ, SERIALNUMBER=IIN850315300019, C=KZ, G=ҚҰНАНБАЙҰЛЫ',
    certificate_serial: '0a0b',
    certificate_issuer: 'CN=Issuing',
    created_at: new Date(),
    last_seen_at: new Date(),
    expires_at: new Date(),
    ended_at: null,
    user_agent: null,
    certificate_sha256: null,
    ...over,
  }) as AuthSession

const sha256Url = (der: Uint8Array) => createHash('sha256').update(der).digest('base64url')

describe('account claims', () => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await openTestDatabase('pglite')
  })
  afterAll(async () => t?.close())

  it('a legal entity certificate of our CA on a token: bin, organisation, role, email, x5t#S256, hwk', async () => {
    const der = new Uint8Array([1, 2, 3, 4])
    const { accountId, account } = await snapshotOf(
      t.db,
      session({ certificate_sha256: sha256Url(der), bin: '123456789012', subject_dn: 'CN=ҚҰНАНБАЕВ АБАЙ, SURNAME=ҚҰНАНБАЕВ, SERIALNUMBER=IIN850315300019, O=ТОО «Жол», OU=BIN123456789012, G=ҚҰНАНБАЙҰЛЫ' }),
      { der, status: 'good', iin: '850315300019', storage: 'token', email: 'abai@example.kz', organization: 'ТОО «Жол»', profile: 'legal_head' },
    )
    expect(account.hardwareKey).toBe(true)
    expect(await loadAccount(t.db, accountId)).toEqual(account)
    expect(claimsOf(account, accountId)).toEqual({
      sub: accountId,
      iin: '850315300019',
      name: 'Құнанбаев Абай Құнанбайұлы',
      family_name: 'Құнанбаев',
      given_name: 'Абай',
      middle_name: 'Құнанбайұлы',
      email: 'abai@example.kz',
      bin: '123456789012',
      organization_name: 'ТОО «Жол»',
      organization_role: 'head',
      'x5t#S256': createHash('sha256').update(der).digest('base64url'),
    })
  })

  it('our record whose DER is not the certificate used (same serial and IIN) gives no hwk, email or organisation', async () => {
    const used = new Uint8Array([5, 6, 7])
    const { account } = await snapshotOf(t.db, session({ certificate_sha256: sha256Url(used), bin: '123456789012', subject_dn: 'CN=X Y, SERIALNUMBER=IIN850315300019, O=Foreign LLP' }), {
      der: new Uint8Array([1, 2, 3, 4]),
      status: 'good',
      iin: '850315300019',
      storage: 'token',
      email: 'abai@example.kz',
      organization: 'ТОО «Жол»',
      profile: 'legal_head',
    })
    expect(account).toMatchObject({ hardwareKey: false, email: null, organizationName: 'Foreign LLP', organizationRole: null, x5tS256: sha256Url(used) })
  })

  it('a session from before migration 014 (no thumbprint): our record by IIN still gives hwk, no x5t#S256', async () => {
    const { account } = await snapshotOf(t.db, session({}), { der: new Uint8Array([1]), status: 'good', iin: '850315300019', storage: 'token', email: null, organization: null, profile: 'individual' })
    expect(account).toMatchObject({ hardwareKey: true, x5tS256: null })
    expect(claimsOf(account, 'a')).not.toHaveProperty('x5t#S256')
  })

  it('a foreign certificate: software key, its thumbprint from the session, organisation from the subject', async () => {
    const foreignDer = new Uint8Array([0x30, 0x82, 7, 7, 7])
    const { accountId, account } = await snapshotOf(
      t.db,
      session({ certificate_sha256: sha256Url(foreignDer), bin: '123456789012', subject_dn: 'CN=X Y, SERIALNUMBER=IIN850315300019, O=Foreign LLP' }),
      undefined,
    )
    expect(account).toMatchObject({ hardwareKey: false, organizationName: 'Foreign LLP', organizationRole: null })
    expect(claimsOf(account, accountId)['x5t#S256']).toBe(createHash('sha256').update(foreignDer).digest('base64url'))
  })

  it('our record of another person is not trusted for the claims', async () => {
    const { account } = await snapshotOf(t.db, session({ certificate_sha256: sha256Url(new Uint8Array([9])) }), { der: new Uint8Array([9]), status: 'good', iin: '920722400013', storage: 'token', email: 'x@example.kz', organization: null, profile: 'individual' })
    expect(account).toMatchObject({ hardwareKey: false, email: null, x5tS256: sha256Url(new Uint8Array([9])) })
  })

  it('pairwise sub: per IIN and sector, the same for another certificate of the person', () => {
    const key = Buffer.alloc(32, 7)
    const a = pairwiseSubject(key, 'portal.example.kz', '850315300019.certA')
    expect(pairwiseSubject(key, 'portal.example.kz', '850315300019.certB')).toBe(a)
    expect(pairwiseSubject(key, 'other.example.kz', '850315300019.certA')).not.toBe(a)
    expect(pairwiseSubject(key, 'portal.example.kz', '920722400013.certA')).not.toBe(a)
    expect(a).not.toContain('850315300019')
  })

  it('claims of scopes, for the consent screen', () => {
    expect(claimsOfScopes(['openid', 'profile', 'iin', 'unknown', 'offline_access'])).toEqual(['sub', 'name', 'family_name', 'given_name', 'middle_name', 'iin'])
  })
})
