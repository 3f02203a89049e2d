/** The step between reading a PKCS#12 file and importing its keys into WebCrypto. */
import { ErrorCode, QoltanbaError } from '../../core/errors.ts'
import type { Pkcs12Contents, Pkcs12Key } from './types.ts'

/**
 * The keys of `contents` that WebCrypto can import (RSA and EC).
 *
 * @throws QoltanbaError ERR_UNSUPPORTED_ALGORITHM when the file has keys but none of them is usable;
 *   `details.gost` is true when a GOST key was among them, so the UI can point to the agent
 *   (NCALayer or a hardware token) instead of just saying "unsupported".
 * @example
 * const keys = selectWebCryptoKeys(await readPkcs12(bytes, password)) // NCA GOSTKNCA_*.p12 → throws { gost: true }
 */
export function selectWebCryptoKeys(contents: Pkcs12Contents): Pkcs12Key[] {
  const usable = contents.keys.filter((key) => key.algorithm === 'RSA' || key.algorithm === 'EC')
  if (usable.length === 0 && contents.keys.length > 0) {
    const gost = contents.keys.some((key) => key.algorithm === 'GOST')
    throw new QoltanbaError(
      ErrorCode.UnsupportedAlgorithm,
      gost ? 'GOST keys cannot be used in the browser; use the agent or a hardware token' : 'The key algorithm is not supported',
      { gost, algorithm: contents.keys[0]?.algorithm ?? 'unknown' },
    )
  }
  return usable
}
