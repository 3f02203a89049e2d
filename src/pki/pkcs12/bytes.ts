/** Byte helpers shared by the PKCS#12 files. */

/**
 * `bytes` typed for WebCrypto: TypeScript 5.9's BufferSource excludes views over a possibly shared
 * buffer, so views over anything but a plain ArrayBuffer are copied.
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes)
}
