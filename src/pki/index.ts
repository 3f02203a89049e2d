/**
 * The public API of `pki`: pure PKI over pkijs + asn1js + an injected WebCrypto. Load it with
 * `await import('@/pki')` in the app (pkijs is ~95 KB gzip). PKCS#12 lives in `./pkcs12/index.ts`,
 * a separate lazy module.
 */
export { ErrorCode, QoltanbaError, isQoltanbaError, asMalformed } from '../core/errors.ts'
export { getCrypto, setCrypto, getEngine } from './engine.ts'

export { parseAsn1, parsePki, toArrayBuffer, DEFAULT_MAX_BYTES, type Asn1Limits } from './asn1.ts'
export { toPem, fromPem, decodeDerOrPem, type PemBlock } from './pem.ts'
export { toBase64, fromBase64, toHex, fromHex, bytesEqual } from '../core/bytes.ts'
export { checkIin, checkBin, decodeIin, checkDigit, type IdCheck, type IinHint } from './iin.ts'
export * from './oids.ts'

export { buildName, describeName, attributeText, type SubjectFields, type NameInfo } from './names.ts'
export {
  KEY_USAGE_NAMES,
  keyUsageBitString,
  keyUsageNames,
  readExtensions,
  requestedExtensions,
  type KeyUsageName,
  type EkuInfo,
  type PolicyInfo,
  type ExtensionsInfo,
} from './extensions.ts'
export {
  describePublicKey,
  signatureAlgorithmName,
  isWebCryptoSignature,
  type KeyAlgorithm,
  type PublicKeyDescription,
} from './public-key.ts'
export {
  signingHash,
  signPkiObject,
  signatureAlgorithmFor,
  signTbs,
  toTime,
  spkiOf,
  keyIdentifier,
  randomSerial,
  sha256hex,
  type SignHash,
  type PkiSignable,
} from './x509-helpers.ts'

export {
  createCsr,
  createCsrRaw,
  parseCsr,
  verifyCsr,
  parseCertificationRequest,
  type CsrContent,
  type CreateCsrOptions,
  type CreateCsrRawOptions,
  type CsrInfo,
} from './csr.ts'
export { describeCertificate, certificateMatchesKey, parseCertificate, type CertificateInfo } from './certificate-info.ts'
export { signCms, signCmsRaw, verifyCms, type CmsContent, type SignCmsOptions, type VerifyCmsOptions, type CmsVerification } from './cms.ts'
export { rawSignatureAlgorithm, type RawSigner, type RawCmsSigner } from './raw-signer.ts'
export { sortAttributes, compareDer } from './cms-attributes.ts'
export { mergeSignatures } from './cades-cosign.ts'
export { countersignCms, countersignaturesOf, type CountersignOptions } from './cades-countersign.ts'
export {
  addSignatureTimestamp,
  hasSignatureTimestamp,
  readTimestampToken,
  signatureTimestampImprint,
  type TimestampTokenInfo,
} from './cades-timestamp.ts'
export { createTimestampRequest, readTimestampResponse, type TimestampRequest } from './tsp.ts'
export { describeSignatureFile, type SignatureFileSummary, type SignatureFileSigner } from './cades-summary.ts'
export { signSignerInfo, type CmsSigningKey } from './signer-info.ts'
export {
  encryptPrivateKey,
  decryptPrivateKey,
  DEFAULT_PBKDF2_ITERATIONS,
  MAX_PBKDF2_ITERATIONS,
  type EncryptPrivateKeyOptions,
} from './pkcs8.ts'
export { importPrivateKey, publicKeyOf, describePrivateKey, type PrivateKeyDescription } from './private-key.ts'
