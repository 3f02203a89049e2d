/**
 * Object identifiers `pki` reads and writes (PKCS#12's too), named once so no file spells a
 * dotted string twice.
 * NCA RK arcs (1.2.398.*) are in docs/kazakhstan-data.md#oids.
 */

/** Distinguished-name attribute types. */
export const NameOid = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  country: '2.5.4.6',
  locality: '2.5.4.7',
  state: '2.5.4.8',
  street: '2.5.4.9',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  title: '2.5.4.12',
  businessCategory: '2.5.4.15',
  givenName: '2.5.4.42',
  email: '1.2.840.113549.1.9.1',
  domainComponent: '0.9.2342.19200300.100.1.25',
} as const

/** RFC 4514-style short names for DN attributes (Kalkan's spelling where it differs). */
export const NameShortName: Readonly<Record<string, string>> = {
  [NameOid.commonName]: 'CN',
  [NameOid.surname]: 'SURNAME',
  [NameOid.serialNumber]: 'SERIALNUMBER',
  [NameOid.country]: 'C',
  [NameOid.locality]: 'L',
  [NameOid.state]: 'ST',
  [NameOid.street]: 'STREET',
  [NameOid.organization]: 'O',
  [NameOid.organizationalUnit]: 'OU',
  [NameOid.title]: 'T',
  [NameOid.businessCategory]: 'BC',
  [NameOid.givenName]: 'G',
  [NameOid.email]: 'E',
  [NameOid.domainComponent]: 'DC',
}

/** X.509 extensions. */
export const ExtensionOid = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  freshestCrl: '2.5.29.46',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  nameConstraints: '2.5.29.30',
  policyMappings: '2.5.29.33',
  policyConstraints: '2.5.29.36',
  inhibitAnyPolicy: '2.5.29.54',
  /** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1), on the OCSP responder's certificate. */
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  // CRL and CRL entry extensions (RFC 5280 §5.2, §5.3)
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
  holdInstructionCode: '2.5.29.23',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
} as const

/** The policy that matches every policy (RFC 5280 §4.2.1.4); not a policy name of its own. */
export const ANY_POLICY = '2.5.29.32.0'

/** anyExtendedKeyUsage (RFC 5280 §4.2.1.12); not a role, so not in {@link EkuOid}. */
export const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0'

/** Policy qualifiers (RFC 5280 §4.2.1.4). */
export const PolicyQualifierOid = {
  cps: '1.3.6.1.5.5.7.2.1',
} as const

/** OCSP (RFC 6960): the basic response type and the nonce extension. */
export const OcspOid = {
  basicResponse: '1.3.6.1.5.5.7.48.1.1',
  nonce: '1.3.6.1.5.5.7.48.1.2',
} as const

/** id-holdinstruction-reject (RFC 5280 §5.3.2's arc 1.2.840.10040.2): reject the transaction. */
export const HOLD_INSTRUCTION_REJECT = '1.2.840.10040.2.3'

/** Access methods inside AuthorityInfoAccess. */
export const AccessMethodOid = {
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
} as const

/** Extended key usages: the generic ones and NCA RK's "key user" roles (arc 1.2.398.3.3.4). */
export const EkuOid = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  ncaIndividual: '1.2.398.3.3.4.1.1',
  ncaIndividualInformationSystem: '1.2.398.3.3.4.1.1.1',
  ncaLegalEntity: '1.2.398.3.3.4.1.2',
  ncaChiefExecutive: '1.2.398.3.3.4.1.2.1',
  ncaSigningAuthority: '1.2.398.3.3.4.1.2.2',
  ncaFinancialSigningAuthority: '1.2.398.3.3.4.1.2.3',
  ncaHrEmployee: '1.2.398.3.3.4.1.2.4',
  ncaEmployee: '1.2.398.3.3.4.1.2.5',
  ncaLegalEntityInformationSystem: '1.2.398.3.3.4.1.2.6',
} as const

/**
 * Stable role names for EKU OIDs; the UI translates `eku.<role>`. An OID without a role is shown as is.
 */
export const EkuRole: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(EkuOid).map(([role, oid]) => [oid, role]),
)

/** NCA RK certificate policies (arc 1.2.398.3.3.2). */
export const PolicyOid = {
  ncaRegulations: '1.2.398.3.3.1.1',
  ncaPolicy: '1.2.398.3.3.2',
  legalEntitySigning: '1.2.398.3.3.2.1',
  legalEntityAuth: '1.2.398.3.3.2.2',
  individualSigning: '1.2.398.3.3.2.3',
  individualAuth: '1.2.398.3.3.2.4',
} as const

/** Stable names for policy OIDs (`policy.<name>` in the UI). */
export const PolicyName: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(PolicyOid).map(([name, oid]) => [oid, name]),
)

/** Key and signature algorithms. */
export const AlgorithmOid = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha1WithRsa: '1.2.840.113549.1.1.5',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha1: '1.2.840.10045.4.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  ed25519: '1.3.101.112',
  sha1: '1.3.14.3.2.26',
  // Broken ones, named so that policies can refuse them by name.
  md2: '1.2.840.113549.2.2',
  md5: '1.2.840.113549.2.5',
  md2WithRsa: '1.2.840.113549.1.1.2',
  md5WithRsa: '1.2.840.113549.1.1.4',
  dsaWithSha1: '1.2.840.10040.4.3',
  /** sha1WithRSASignature under the OIW arc. */
  sha1WithRsaOiw: '1.3.14.3.2.29',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const

/**
 * NCA's GOST algorithms that src/pki/gost implements (issue 23): keys, their parameter sets,
 * signatures and digests. The 2015 256-bit family is named so it can be refused by name.
 */
export const GostOid = {
  /** GOST 34.310-2004 public key; parameters {curve, hash} below. */
  key2004: '1.2.398.3.10.1.1.1.1',
  /** The 2004 keys' curve: CryptoPro-A. */
  curve2004A: '1.2.398.3.10.1.1.1.1.1',
  /** GOST 34.310-2004 signature with GOST 34.311-95 (NULL parameters). */
  signature2004: '1.2.398.3.10.1.1.1.2',
  /** GOST 34.311-95 (GOST R 34.11-94 with the test S-box). */
  digest34311: '1.2.398.3.10.1.3.1',
  /** The hash parameter set the 2004 key names: the test S-box. */
  digest34311TestParams: '1.2.398.3.10.1.3.1.1.0',
  /** GOST 34.10-2015 512-bit public key; parameters {curve, hash}. */
  key2015x512: '1.2.398.3.10.1.1.2.2',
  /** The 512-bit keys' curve: tc26-512-paramSetA. */
  curve2015x512A: '1.2.398.3.10.1.1.2.2.1',
  /** GOST 34.10-2015 512-bit signature with Streebog-512. */
  signature2015x512: '1.2.398.3.10.1.1.2.3.2',
  /** Streebog-512 (GOST 34.11-2015, 512 bits). */
  digest2015x512: '1.2.398.3.10.1.3.3',
  /** GOST 34.10-2015 256-bit key, curve and signature: not implemented (no vector proves the curve). */
  key2015x256: '1.2.398.3.10.1.1.2.1',
  curve2015x256A: '1.2.398.3.10.1.1.2.1.1',
  signature2015x256: '1.2.398.3.10.1.1.2.3.1',
  digest2015x256: '1.2.398.3.10.1.3.2',
} as const

/** NCA RK GOST algorithms: every key or signature OID under this arc is GOST (unusable in WebCrypto). */
export const GOST_ARC = '1.2.398.3.10'

/** Russian GOST arcs (CryptoPro 1.2.643.2.2, TC 26 1.2.643.7.1): also GOST, also unusable in WebCrypto. */
const RU_GOST_ARCS = ['1.2.643.2.2', '1.2.643.7.1']

/** True for GOST algorithm OIDs: NCA's 1.2.398.3.10.* and the Russian 1.2.643.2.2.* / 1.2.643.7.1.*. */
export function isGostOid(oid: string): boolean {
  return [GOST_ARC, ...RU_GOST_ARCS].some((arc) => oid === arc || oid.startsWith(`${arc}.`))
}

/** Password-based encryption (PKCS#5 v2.1). */
export const PbeOid = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSha1: '1.2.840.113549.2.7',
  hmacWithSha256: '1.2.840.113549.2.9',
  hmacWithSha384: '1.2.840.113549.2.10',
  hmacWithSha512: '1.2.840.113549.2.11',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
} as const

/** CMS content types and attributes. */
export const CmsOid = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  /** ESS signingCertificate (RFC 2634, SHA-1 ESSCertID). */
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  extensionRequest: '1.2.840.113549.1.9.14',
  /** RFC 5652 §11.4: a SignerInfo over another signer's signature value (unsigned attribute). */
  counterSignature: '1.2.840.113549.1.9.6',
  /** RFC 3161 Appendix A / CAdES-T: a timestamp token over the signature value (unsigned attribute). */
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  /** RFC 3161 TSTInfo, the content a timestamp token signs. */
  tstInfo: '1.2.840.113549.1.9.16.1.4',
} as const

/** PKCS#12 (RFC 7292): bag and attribute types, and the content types of its safes. */
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

/**
 * The whole GOST R 34.10 / 34.11 arc of Russia: a PKCS#12 key under it counts as GOST even where
 * {@link isGostOid} knows no algorithm arc (containers from CryptoPro-based tools).
 */
export const RUSSIAN_GOST_ARC = '1.2.643'
