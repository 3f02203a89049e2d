/**
 * PKCS#12 (.p12/.pfx) import and export. Load this module with `import()` only: it carries the
 * legacy 3DES/RC2 ciphers, which have no place in the first-paint bundle.
 */
export { readPkcs12 } from './read.ts'
export { writePkcs12 } from './write.ts'
export { selectWebCryptoKeys } from './usable-keys.ts'
export { MAX_PKCS12_BYTES } from './limits.ts'
export type {
  Pkcs12Certificate,
  Pkcs12Compatibility,
  Pkcs12Contents,
  Pkcs12Entry,
  Pkcs12Key,
  Pkcs12KeyAlgorithm,
  WritePkcs12Options,
} from './types.ts'
