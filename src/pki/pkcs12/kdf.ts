/**
 * The PKCS#12 key derivation of RFC 7292 Appendix B.2 ("ID 1" cipher key, "ID 2" IV, "ID 3" MAC key).
 *
 * WebCrypto has no such KDF (only PBKDF2/HKDF), so it runs in JS over @noble/hashes, the audited
 * hash library pkijs already ships (its own `makePKCS12B2Key` is not exported), which keeps the cost
 * of this file to a few hundred bytes.
 */
import { sha1 } from '@noble/hashes/legacy.js'
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js'

/** The hashes PKCS#12 files use for the KDF (SHA-1 for every legacy PBE; the MAC's hash otherwise). */
export type Pkcs12KdfHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512'

/** What the KDF produces (RFC 7292 B.3). */
export const KdfPurpose = { key: 1, iv: 2, mac: 3 } as const

/** The slice of a @noble/hashes hash this file uses. */
interface HashInstance {
  update(data: Uint8Array): HashInstance
  digestInto(out: Uint8Array): void
  _cloneInto(to?: HashInstance): HashInstance
}

interface HashFn {
  (message: Uint8Array): Uint8Array
  create(): HashInstance
  readonly outputLen: number
  readonly blockLen: number
}

const HASHES: Readonly<Record<Pkcs12KdfHash, HashFn>> = {
  'SHA-1': sha1,
  'SHA-256': sha256,
  'SHA-384': sha384,
  'SHA-512': sha512,
}

/**
 * "No password at all", as opposed to the empty password "": the RFC 7292 KDF then gets no password
 * bytes instead of the `00 00` of an empty BMPString. OpenSSL's PKCS12_create(NULL, …) (pyOpenSSL,
 * Ruby, PHP and C programs built on it) and Windows exports without a password write such files;
 * OpenSSL reads them because it tries both forms for an empty password (PKCS12_parse), and so does
 * readPkcs12. PBES2 cannot tell the two apart (both are zero UTF-8 bytes).
 */
export const NO_PASSWORD: unique symbol = Symbol('no password')

/** A password as the PKCS#12 code takes it: the user's text, or {@link NO_PASSWORD}. */
export type Pkcs12Password = string | typeof NO_PASSWORD

/**
 * The password as RFC 7292 B.1 wants it: BMPString (UTF-16BE code units) with a terminating
 * 00 00, so "" becomes `00 00` (as OpenSSL and Java do); {@link NO_PASSWORD} is no bytes at all.
 */
export function bmpPassword(password: Pkcs12Password): Uint8Array {
  if (password === NO_PASSWORD) return new Uint8Array(0)
  const out = new Uint8Array(password.length * 2 + 2)
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i)
    out[i * 2] = unit >> 8
    out[i * 2 + 1] = unit & 0xff
  }
  return out
}

function repeatToMultiple(source: Uint8Array, v: number): Uint8Array {
  const out = new Uint8Array(v * Math.ceil(source.length / v))
  for (let i = 0; i < out.length; i++) out[i] = source[i % source.length] as number
  return out
}

/**
 * Derives `length` bytes from a password (RFC 7292 B.2).
 *
 * @param password the password as given by the user (converted to BMPString here), or NO_PASSWORD
 * @param purpose 1 = key, 2 = IV, 3 = MAC key ({@link KdfPurpose})
 * @example
 * const key = pkcs12Kdf('SHA-1', 'Qwerty12', salt, KdfPurpose.key, 1024, 24) // 3DES key of an NCA file
 */
export function pkcs12Kdf(
  hashName: Pkcs12KdfHash,
  password: Pkcs12Password,
  salt: Uint8Array,
  purpose: number,
  iterations: number,
  length: number,
): Uint8Array {
  const hash = HASHES[hashName]
  const u = hash.outputLen
  const v = hash.blockLen
  const diversifier = new Uint8Array(v).fill(purpose)
  const salted = repeatToMultiple(salt, v)
  const pass = repeatToMultiple(bmpPassword(password), v)
  const input = new Uint8Array(salted.length + pass.length)
  input.set(salted)
  input.set(pass, salted.length)

  const rounds = Math.ceil(length / u)
  const out = new Uint8Array(rounds * u)
  const block = new Uint8Array(v + input.length)
  for (let round = 0; round < rounds; round++) {
    block.set(diversifier)
    block.set(input, v)
    const a = hash(block)
    // A = H^c(D‖I): copying a fresh state into one reused instance instead of calling hash(a)
    // avoids two allocations per round, which halves the time of the 100,000-round MACs.
    const fresh = hash.create()
    const work = hash.create()
    for (let i = 1; i < iterations; i++) {
      fresh._cloneInto(work)
      work.update(a)
      work.digestInto(a)
    }
    out.set(a, round * u)
    if (round === rounds - 1) break
    // I_j = (I_j + B + 1) mod 2^(8v), B = A repeated to v bytes: big-endian addition per v-byte block.
    for (let j = 0; j < input.length; j += v) {
      let carry = 1
      for (let k = v - 1; k >= 0; k--) {
        const sum = (input[j + k] as number) + (a[k % u] as number) + carry
        input[j + k] = sum & 0xff
        carry = sum >> 8
      }
    }
  }
  return out.slice(0, length)
}
