/**
 * The profiles the Registration Center issues. OIDs follow NCA RK (docs/kazakhstan-data.md#oids):
 * EKU clientAuth (auth) / emailProtection (sign) + role OIDs 1.2.398.3.3.4.1.x, policies
 * 1.2.398.3.3.2.x; key usage critical, digitalSignature + keyEncipherment (auth) or
 * digitalSignature + nonRepudiation (sign).
 */
import { EkuOid, PolicyOid } from '../../src/pki/oids.ts'
import type { AllowedKey, CertificateProfile, CertificateTemplate, LegalRole, Localized } from './types.ts'

export const ALLOWED_KEYS: readonly AllowedKey[] = [
  { algorithm: 'RSA', minBits: 2048, maxBits: 4096 },
  { algorithm: 'EC', curves: ['P-256', 'P-384'] },
]

const VALIDITY = { browser: 365, file: 365, token: 3 * 365 } as const

function templates(roleOids: readonly string[], policies: { auth: string; sign: string }): CertificateProfile['certificates'] {
  const auth: CertificateTemplate = {
    purpose: 'auth',
    keyUsage: { RSA: ['digitalSignature', 'keyEncipherment'], EC: ['digitalSignature', 'keyAgreement'] },
    extKeyUsage: [EkuOid.clientAuth, ...roleOids],
    policies: [policies.auth],
  }
  const sign: CertificateTemplate = {
    purpose: 'sign',
    keyUsage: { RSA: ['digitalSignature', 'nonRepudiation'], EC: ['digitalSignature', 'nonRepudiation'] },
    extKeyUsage: [EkuOid.emailProtection, ...roleOids],
    policies: [policies.sign],
  }
  return { auth, sign }
}

const individual: CertificateProfile = {
  id: 'individual',
  kind: 'individual',
  title: { kk: 'Жеке тұлға', ru: 'Физическое лицо', en: 'Individual' },
  requiresOrganization: false,
  emailInSubjectAltName: true,
  certificates: templates([EkuOid.ncaIndividual], { auth: PolicyOid.individualAuth, sign: PolicyOid.individualSigning }),
  validityDays: VALIDITY,
  allowedKeys: ALLOWED_KEYS,
}

function legal(role: LegalRole, roleOid: string, title: Localized): CertificateProfile {
  return {
    id: `legal_${role}`,
    kind: 'legal_entity',
    role,
    title,
    requiresOrganization: true,
    emailInSubjectAltName: true,
    certificates: templates([EkuOid.ncaLegalEntity, roleOid], { auth: PolicyOid.legalEntityAuth, sign: PolicyOid.legalEntitySigning }),
    validityDays: VALIDITY,
    allowedKeys: ALLOWED_KEYS,
  }
}

/** The legal-entity roles: each one's NCA role OID and its title, in the order the UI offers them. */
const LEGAL_ROLES: readonly (readonly [LegalRole, string, Localized])[] = [
  ['head', EkuOid.ncaChiefExecutive, { kk: 'Заңды тұлғаның бірінші басшысы', ru: 'Первый руководитель юридического лица', en: 'Head of a legal entity' }],
  ['signer', EkuOid.ncaSigningAuthority, { kk: 'Қол қою құқығы бар тұлға', ru: 'Лицо, наделённое правом подписи', en: 'Person with the right to sign' }],
  [
    'finance',
    EkuOid.ncaFinancialSigningAuthority,
    { kk: 'Қаржылық құжаттарға қол қою құқығы бар тұлға', ru: 'Лицо с правом подписи финансовых документов', en: 'Person with the right to sign financial documents' },
  ],
  ['hr', EkuOid.ncaHrEmployee, { kk: 'Кадр қызметінің қызметкері', ru: 'Сотрудник отдела кадров', en: 'HR officer' }],
  ['employee', EkuOid.ncaEmployee, { kk: 'Ұйым қызметкері', ru: 'Сотрудник организации', en: 'Employee of an organization' }],
]

/** Every profile, in the order the UI offers them. */
export const PROFILES: readonly CertificateProfile[] = [individual, ...LEGAL_ROLES.map(([role, roleOid, title]) => legal(role, roleOid, title))]

const BY_ID = new Map(PROFILES.map((p) => [p.id, p]))

/** The profile with this id, or undefined. */
export function getProfile(id: string): CertificateProfile | undefined {
  return BY_ID.get(id)
}
