/** Object identifiers of PKCS#12 (RFC 7292) and the PBE schemes its files use. */
import { CmsOid } from '../oids.ts'

export const Pkcs12Oid = {
  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  data: CmsOid.data,
  signedData: CmsOid.signedData,
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
  /** RFC 9579 PBMAC1 (OpenSSL 3.4+ `-pbmac1_pbkdf2`): not supported yet. */
  pbmac1: '1.2.840.113549.1.5.14',
} as const

/** RFC 7292 Appendix C: pkcs-12PbeIds, keyed by OID. */
export const Pkcs12PbeOid = {
  sha1AndRc4_128: '1.2.840.113549.1.12.1.1',
  sha1AndRc4_40: '1.2.840.113549.1.12.1.2',
  sha1And3KeyTripleDesCbc: '1.2.840.113549.1.12.1.3',
  sha1And2KeyTripleDesCbc: '1.2.840.113549.1.12.1.4',
  sha1And128BitRc2Cbc: '1.2.840.113549.1.12.1.5',
  sha1And40BitRc2Cbc: '1.2.840.113549.1.12.1.6',
} as const

/** PBES2 encryption scheme DES-EDE3-CBC (OpenSSL `-keypbe des-ede3-cbc`). */
export const DES_EDE3_CBC_OID = '1.2.840.113549.3.7'

/** The GOST R 34.10 / 34.11 arc of Russia, also met in GOST containers from CryptoPro-based tools. */
export const RUSSIAN_GOST_ARC = '1.2.643'
