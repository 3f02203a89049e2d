/**
 * The sign-in test PKI: "our" CA (root → issuing CA with pathlen 0), a foreign CA with an OCSP
 * responder URL on loopback, an unknown root, and one leaf per attack, all made by OpenSSL.
 */
import { readFileSync } from 'node:fs'
import { AUTH_EXTENSIONS, OpensslPki, opensslDate, type CaDir, type IssuedCert } from './openssl-pki.ts'

export interface SignInPki {
  readonly pki: OpensslPki
  readonly ownRoot: CaDir
  readonly ownIssuing: CaDir
  readonly foreignRoot: CaDir
  readonly unknownRoot: CaDir
  readonly ocspPort: number
  readonly leaves: Readonly<Record<LeafName, IssuedCert>>
}

export type LeafName =
  | 'rsa'
  | 'p256'
  | 'other'
  | 'expired'
  | 'notYetValid'
  | 'signOnly'
  | 'noDigitalSignature'
  | 'unknownRoot'
  | 'pathLen'
  | 'unknownCritical'
  | 'rsa1024'
  | 'sha1'
  | 'foreignGood'
  | 'foreignRevoked'
  | 'foreignHold'
  | 'foreignCrlOnly'
  | 'foreignNoStatus'

const day = 86_400_000

/** Subject of a test person: IIN in SERIALNUMBER, BIN in OU. */
export function personSubject(cn: string, iin: string, bin?: string): string {
  return `/CN=${cn}/SN=ТЕСТОВ/serialNumber=IIN${iin}/C=KZ${bin ? `/OU=BIN${bin}` : ''}`
}

/** Builds the PKI; `ocspPort` is where the foreign CA's responder will listen, `deadPort` nothing listens on. */
export function buildSignInPki(ocspPort: number, deadPort: number): SignInPki {
  const pki = new OpensslPki()
  const ownRoot = pki.rootCa('own-root', { subject: '/C=KZ/O=Qoltanba Test/CN=Qoltanba Test Root' })
  const ownIssuing = pki.intermediateCa(ownRoot, 'own-issuing', { pathLen: 0 })
  const subIssuing = pki.intermediateCa(ownIssuing, 'own-sub-issuing')
  const foreignRoot = pki.rootCa('foreign-root', { subject: '/C=KZ/O=Foreign Test/CN=Foreign Test CA' })
  const unknownRoot = pki.rootCa('unknown-root')
  const now = Date.now()
  const own = (name: string, iin: string, opts: Partial<Parameters<OpensslPki['issue']>[2]> = {}) =>
    pki.issue(ownIssuing, name, { subject: personSubject('ТЕСТОВ ТЕСТ', iin), extensions: AUTH_EXTENSIONS, ...opts })
  const foreignExt = (ocsp: number) => [
    ...AUTH_EXTENSIONS,
    `authorityInfoAccess = OCSP;URI:http://127.0.0.1:${ocsp}/`,
    'crlDistributionPoints = URI:http://crl.foreign.test/foreign.crl',
  ]
  const leaves: Record<LeafName, IssuedCert> = {
    rsa: own('rsa', '870101300001', { subject: personSubject('ТЕСТОВ ТЕСТ', '870101300001', '123456789021') }),
    p256: own('p256', '870101300002', { keyType: 'p256' }),
    other: own('other', '870101300003'),
    expired: own('expired', '870101300004', { startdate: opensslDate(new Date(now - 30 * day)), enddate: opensslDate(new Date(now - day)) }),
    notYetValid: own('not-yet-valid', '870101300005', { startdate: opensslDate(new Date(now + 2 * day)), enddate: opensslDate(new Date(now + 30 * day)) }),
    signOnly: own('sign-only', '870101300006', {
      extensions: ['keyUsage = critical,digitalSignature,nonRepudiation', 'extendedKeyUsage = emailProtection', 'subjectKeyIdentifier = hash'],
    }),
    noDigitalSignature: own('no-ds', '870101300007', { extensions: ['keyUsage = critical,keyEncipherment', 'extendedKeyUsage = clientAuth'] }),
    unknownRoot: pki.issue(unknownRoot, 'unknown-root-leaf', { subject: personSubject('ТЕСТОВ ТЕСТ', '870101300008'), extensions: AUTH_EXTENSIONS }),
    pathLen: pki.issue(subIssuing, 'path-len', { subject: personSubject('ТЕСТОВ ТЕСТ', '870101300009'), extensions: AUTH_EXTENSIONS }),
    unknownCritical: own('unknown-critical', '870101300010', { extensions: [...AUTH_EXTENSIONS, '1.2.3.4 = critical,DER:05:00'] }),
    rsa1024: own('rsa1024', '870101300011', { keyType: 'rsa1024' }),
    sha1: own('sha1', '870101300012', { md: 'sha1' }),
    foreignGood: pki.issue(foreignRoot, 'foreign-good', { subject: personSubject('FOREIGN', '870101300013'), extensions: foreignExt(ocspPort) }),
    foreignRevoked: pki.issue(foreignRoot, 'foreign-revoked', { subject: personSubject('FOREIGN', '870101300014'), extensions: foreignExt(ocspPort) }),
    foreignHold: pki.issue(foreignRoot, 'foreign-hold', { subject: personSubject('FOREIGN', '870101300015'), extensions: foreignExt(ocspPort) }),
    foreignCrlOnly: pki.issue(foreignRoot, 'foreign-crl-only', { subject: personSubject('FOREIGN', '870101300016'), extensions: foreignExt(deadPort) }),
    foreignNoStatus: pki.issue(foreignRoot, 'foreign-no-status', {
      subject: personSubject('FOREIGN', '870101300017'),
      extensions: [...AUTH_EXTENSIONS, `authorityInfoAccess = OCSP;URI:http://127.0.0.1:${deadPort}/`],
    }),
  }
  pki.revoke(foreignRoot, leaves.foreignRevoked, 'keyCompromise')
  pki.revoke(foreignRoot, leaves.foreignHold, 'certificateHold')
  pki.revoke(foreignRoot, leaves.foreignCrlOnly, 'keyCompromise')
  return { pki, ownRoot, ownIssuing, foreignRoot, unknownRoot, ocspPort, leaves }
}

/** The chain (PEM) a client embeds for `leaf`. */
export function chainFor(s: SignInPki, leaf: LeafName): string[] {
  if (leaf === 'pathLen') return [readFileSync(s.pki.path('own-sub-issuing.pem'), 'utf8'), s.ownIssuing.certPem]
  if (leaf.startsWith('foreign') || leaf === 'unknownRoot') return []
  return [s.ownIssuing.certPem]
}
