/** Public data shapes of the PKCS#12 module. */

/**
 * The key algorithm of a private key, from its PKCS#8 OID. `GOST` covers NCA's GOST 34.310 arc
 * (1.2.398.3.10.*) and Russian GOST (1.2.643.*): WebCrypto cannot use those keys.
 */
export type Pkcs12KeyAlgorithm = 'RSA' | 'EC' | 'GOST' | 'unknown'

/** One private key found in a PKCS#12 file. */
export interface Pkcs12Key {
  /** Plain PrivateKeyInfo DER: secret; import it into WebCrypto and drop the bytes. */
  readonly pkcs8: Uint8Array
  readonly algorithm: Pkcs12KeyAlgorithm
  /** The localKeyID bag attribute that pairs the key with its certificate. */
  readonly localKeyId?: Uint8Array
  readonly friendlyName?: string
}

/** One certificate found in a PKCS#12 file (the key's own one or a chain certificate). */
export interface Pkcs12Certificate {
  readonly der: Uint8Array
  readonly localKeyId?: Uint8Array
  readonly friendlyName?: string
}

/** Everything a PKCS#12 file holds that we use, in file order. */
export interface Pkcs12Contents {
  readonly keys: Pkcs12Key[]
  readonly certificates: Pkcs12Certificate[]
}

/** One key with its certificate (and optional chain) to put into a PKCS#12 file. */
export interface Pkcs12Entry {
  /** Plain PrivateKeyInfo DER (from an extractable key's `exportKey('pkcs8')`). */
  readonly pkcs8: Uint8Array
  /** The key's certificate, DER. */
  readonly certificate: Uint8Array
  /** Issuer certificates, DER, leaf's issuer first. */
  readonly chain?: Uint8Array[]
  /** Shown as the alias by keytool, Windows and macOS. */
  readonly friendlyName?: string
}

/**
 * How a written file is protected.
 * - `modern` (default): PBES2 PBKDF2-HMAC-SHA256 + AES-256-CBC for key and certificates, MAC
 *   HMAC-SHA256, 300,000 iterations. OpenSSL 1.1.1+/3, Java 8u301+/11.0.12+, Windows 10 1709+.
 * - `legacy`: pbeWithSHAAnd3-KeyTripleDES-CBC for key and certificates, MAC HMAC-SHA1, 2,048
 *   iterations. Older Windows/macOS, Kalkan-era tools; still opens in OpenSSL 3 without `-legacy`.
 */
export type Pkcs12Compatibility = 'modern' | 'legacy'

/** Options of {@link writePkcs12}. */
export interface WritePkcs12Options {
  readonly entries: Pkcs12Entry[]
  readonly password: string
  readonly compatibility?: Pkcs12Compatibility
  /** Overrides the iteration count of the profile (tests, benchmarks). Minimum 1,000. */
  readonly iterations?: number
}
