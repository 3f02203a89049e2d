/**
 * Resource limits for untrusted PKCS#12 input. A real container is 1–10 KB (an NCA file is 3.4 KB,
 * a key with a long chain maybe 20 KB); the caps leave two orders of magnitude of room while
 * keeping a hostile file from eating memory or CPU.
 */

/** Largest PKCS#12 file accepted: 1 MiB. Bigger input fails with ERR_TOO_LARGE before parsing. */
export const MAX_PKCS12_BYTES = 1024 * 1024

/** Deepest ASN.1 nesting accepted; real files nest about 12 levels. */
export const MAX_PKCS12_DEPTH = 32

/** Most ASN.1 nodes per parsed piece; a certificate has a few hundred. */
export const MAX_PKCS12_NODES = 50_000

/**
 * Highest PBKDF2 iteration count accepted (native WebCrypto: ~5 s at worst on a phone). Files we
 * write use 600,000; OpenSSL writes 2,048, Java 10,000.
 */
export const MAX_PBKDF2_ITERATIONS = 10_000_000

/**
 * Highest iteration count for the RFC 7292 KDF, which runs in JavaScript (about 1–2 s at this cap
 * on a laptop). Legacy Java files use 100,000 for the MAC; NCA and OpenSSL use 1,024–2,048.
 */
export const MAX_PKCS12_KDF_ITERATIONS = 2_000_000

/** Most bags in one file, and the deepest nesting of safeContents bags. */
export const MAX_BAGS = 1000
export const MAX_SAFE_CONTENTS_NESTING = 4
