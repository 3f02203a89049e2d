/**
 * Types for the three node-forge submodules the legacy PKCS#12 ciphers use. @types/node-forge only
 * describes the package root, and importing the root would pull all of forge (≈80 KB gzip) into the
 * lazy PKCS#12 chunk.
 */
declare module 'node-forge/lib/util.js' {
  export interface ByteStringBuffer {
    getBytes(): string
    length(): number
  }
  const util: {
    createBuffer(bytes?: string, encoding?: 'raw'): ByteStringBuffer
    binary: { raw: { encode(bytes: Uint8Array): string; decode(bytes: string): Uint8Array } }
  }
  export default util
}

declare module 'node-forge/lib/des.js' {
  import type { ByteStringBuffer } from 'node-forge/lib/util.js'
  interface DesCipher {
    start(iv: ByteStringBuffer): void
    update(input: ByteStringBuffer): void
    finish(pad: () => boolean): boolean
    readonly output: ByteStringBuffer
  }
  const des: {
    /** A 24-byte key selects triple DES (EDE). */
    createEncryptionCipher(key: ByteStringBuffer, mode: 'CBC'): DesCipher
    createDecryptionCipher(key: ByteStringBuffer, mode: 'CBC'): DesCipher
  }
  export default des
}

declare module 'node-forge/lib/rc2.js' {
  import type { ByteStringBuffer } from 'node-forge/lib/util.js'
  interface Rc2Cipher {
    start(iv: ByteStringBuffer): void
    update(input: ByteStringBuffer): void
    finish(pad: () => boolean): boolean
    readonly output: ByteStringBuffer
  }
  const rc2: {
    createEncryptionCipher(key: ByteStringBuffer, effectiveKeyBits: number): Rc2Cipher
    createDecryptionCipher(key: ByteStringBuffer, effectiveKeyBits: number): Rc2Cipher
  }
  export default rc2
}
