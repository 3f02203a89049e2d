/**
 * NCA's GOST keys (issue 23): hashes, signatures and the NCA key forms. Lazy-loaded: import this
 * module with `await import('…/pki/gost/index.ts')` only when a GOST object turns up, so neither
 * the first paint nor RSA-only work pays for the curves and tables (see README.md).
 */

export { gostR341194 } from './gost-r-34-11-94.ts'
export { streebog256, streebog512 } from './streebog.ts'
export { gostCurve, type GostCurve, type GostPoint } from './curves.ts'
export { signDigest, verifyDigest, publicPointOf, publicKeyFromCoordinates, randomScalar, digestScalar, type GostSignature } from './gost-34-10.ts'
export * from './gost-encoding.ts'
export * from './nca-algorithms.ts'
export { openGostPrivateKey, gostKeyMatchesSpki, gostSpkiOf, type GostSigningKey } from './signing-key.ts'
export { signGostCms, checkGostCms } from './gost-cms.ts'
export { verifyGostSignature, gostDigest } from './verify.ts'
