/**
 * Reading PKCS#12 (.p12/.pfx) files: modern PBES2/AES ones and the legacy 3DES/RC2 ones NCA,
 * OpenSSL 1.x and old Java write.
 *
 * Error rule (what the UI can tell the user):
 * - input over 1 MiB → ERR_TOO_LARGE; not a PFX, truncated, garbage or too deeply nested →
 *   ERR_MALFORMED; a scheme or MAC we do not implement (PBMAC1, public-key integrity or privacy,
 *   scrypt, absurd iteration counts) → ERR_UNSUPPORTED_ALGORITHM.
 * - The MAC is checked before anything is decrypted. When it fails we try to decrypt one or two
 *   pieces with the same password: if they decrypt to well-formed data the password is right and
 *   the file was altered → ERR_MAC_MISMATCH; otherwise → ERR_WRONG_PASSWORD (a wrong password and
 *   a MAC-only tamper look the same to the MAC, so this is the best available split).
 * - After a good MAC, a piece that does not decrypt means an inconsistent file → ERR_MALFORMED.
 *   A file without MAC (rare; OpenSSL `-nomac`) is read, and a piece that does not decrypt is
 *   reported as ERR_WRONG_PASSWORD. A file with neither MAC nor encryption (`-nomac -keypbe NONE
 *   -certpbe NONE`) opens under any password: nothing in it is protected, as with any plain key file.
 * - The empty password "" also tries "no password at all" (NO_PASSWORD, zero bytes for the RFC 7292
 *   KDF), as OpenSSL does: files written by PKCS12_create(NULL, …) and Windows exports without a
 *   password use that form, and their owner knows only that the file "has no password". The form
 *   whose MAC matches is used for the whole file; without a MAC, the one that decrypts.
 * Nothing is returned unless every piece was read.
 */
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { parseAsn1, parsePki } from '../asn1.ts'
import { getCrypto } from '../engine.ts'
import { ErrorCode, QoltanbaError, asMalformed, isQoltanbaError } from '../../core/errors.ts'
import { NO_PASSWORD, type Pkcs12Password } from './kdf.ts'
import { verifyPkcs12Mac } from './mac.ts'
import { Pkcs12Oid } from '../oids.ts'
import { PKCS12_LIMITS, collectBags, octetStringBytes, openSafe, openShroudedKey } from './safe-contents.ts'
import type { Pkcs12Contents } from './types.ts'

/** How many pieces a failed MAC check tries to decrypt to tell tampering from a wrong password. */
const MAC_FAILURE_TRIALS = 2

interface ParsedPfx {
  /** The MacData node as parsed (pkijs's MacData loses iteration counts ≥ 2^23), if any. */
  readonly macData?: asn1js.AsnType
  /** The authenticated-safe octets: what the MAC covers. */
  readonly content: Uint8Array
  readonly safes: pkijs.ContentInfo[]
}

function readAuthenticatedSafe(bytes: Uint8Array): ParsedPfx {
  const tree = parseAsn1(bytes, PKCS12_LIMITS)
  let pfx: pkijs.PFX
  try {
    pfx = new pkijs.PFX({ schema: tree })
  } catch (e) {
    throw new QoltanbaError(ErrorCode.Malformed, 'PKCS#12 file is malformed', {}, { cause: e })
  }
  if (pfx.version !== 3) throw new QoltanbaError(ErrorCode.Malformed, `PKCS#12 version ${pfx.version} is not 3`)
  if (pfx.authSafe.contentType !== Pkcs12Oid.data) {
    // signedData = public-key integrity mode: no password MAC to check.
    throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `Unsupported PKCS#12 integrity mode: ${pfx.authSafe.contentType}`, {
      oid: pfx.authSafe.contentType,
    })
  }
  const content = octetStringBytes(pfx.authSafe.content, 'authenticated safe')
  const safes = parsePki(pkijs.AuthenticatedSafe, content, 'PKCS#12 authenticated safe', PKCS12_LIMITS).safeContents
  for (const safe of safes) {
    if (safe.contentType !== Pkcs12Oid.data && safe.contentType !== Pkcs12Oid.encryptedData) {
      // envelopedData = public-key privacy mode (needs the recipient's private key).
      throw new QoltanbaError(ErrorCode.UnsupportedAlgorithm, `Unsupported PKCS#12 privacy mode: ${safe.contentType}`, {
        oid: safe.contentType,
      })
    }
  }
  const macData = pfx.macData && tree instanceof asn1js.Sequence ? tree.valueBlock.value[2] : undefined
  return { macData, content, safes }
}

/** Pieces whose decryption proves the password right: encrypted safes and shrouded key bags. */
function decryptionTrials(safes: pkijs.ContentInfo[], password: Pkcs12Password, crypto: Crypto): Array<() => Promise<unknown>> {
  const trials: Array<() => Promise<unknown>> = []
  for (const safe of safes) {
    if (safe.contentType === Pkcs12Oid.encryptedData) {
      trials.push(() => openSafe(safe, password, crypto))
      continue
    }
    let plain: pkijs.SafeContents
    try {
      plain = parsePki(pkijs.SafeContents, octetStringBytes(safe.content, 'safe contents'), 'safe contents', PKCS12_LIMITS)
    } catch {
      continue
    }
    for (const bag of plain.safeBags) {
      if (bag.bagId === Pkcs12Oid.pkcs8ShroudedKeyBag) {
        trials.push(() => openShroudedKey(bag.bagValue as pkijs.PKCS8ShroudedKeyBag, password, crypto))
      }
    }
  }
  return trials.slice(0, MAC_FAILURE_TRIALS)
}

async function explainMacFailure(safes: pkijs.ContentInfo[], passwords: readonly Pkcs12Password[], crypto: Crypto): Promise<QoltanbaError> {
  for (const trial of passwords.flatMap((password) => decryptionTrials(safes, password, crypto))) {
    try {
      await trial()
      return new QoltanbaError(ErrorCode.MacMismatch, 'The PKCS#12 file was altered: the password opens it but its MAC does not match')
    } catch {
      // Did not decrypt under this password: try the next piece.
    }
  }
  return new QoltanbaError(ErrorCode.WrongPassword, 'Wrong password for the PKCS#12 file')
}

/**
 * Reads the keys and certificates of a PKCS#12 file.
 *
 * Keys come back as plain PKCS#8 with their algorithm family; GOST keys are returned labelled
 * `'GOST'` (so the caller can show whose key it is and point to the agent) — use
 * {@link selectWebCryptoKeys} to turn that into ERR_UNSUPPORTED_ALGORITHM `{ gost: true }`.
 * Pair keys with certificates by `localKeyId` (or by public key when a producer omits it).
 *
 * @throws QoltanbaError ERR_WRONG_PASSWORD, ERR_MAC_MISMATCH, ERR_MALFORMED, ERR_TOO_LARGE,
 *   ERR_UNSUPPORTED_ALGORITHM (rules in this file's header).
 * @example
 * const { keys, certificates } = await readPkcs12(new Uint8Array(await file.arrayBuffer()), password)
 */
export async function readPkcs12(bytes: Uint8Array, password: string, crypto: Crypto = getCrypto()): Promise<Pkcs12Contents> {
  if (!(bytes instanceof Uint8Array)) throw new QoltanbaError(ErrorCode.Malformed, 'PKCS#12 input is not bytes')
  try {
    return await read(bytes, password, crypto)
  } catch (e) {
    // pkijs reports schema surprises as plain Errors: those are malformed input too.
    throw asMalformed(e, 'PKCS#12 file')
  }
}

/** The forms a typed password can take in a file: "" is also "no password at all" (see header). */
function passwordForms(password: string): readonly Pkcs12Password[] {
  return password === '' ? ['', NO_PASSWORD] : [password]
}

async function read(bytes: Uint8Array, password: string, crypto: Crypto): Promise<Pkcs12Contents> {
  const { macData, content, safes } = readAuthenticatedSafe(bytes)
  const forms = passwordForms(password)
  if (!macData) return readUnauthenticated(safes, forms, crypto)
  let matched: Pkcs12Password | undefined
  for (const form of forms) {
    if (await verifyPkcs12Mac(macData, content, form, crypto)) {
      matched = form
      break
    }
  }
  if (matched === undefined) throw await explainMacFailure(safes, forms, crypto)
  try {
    return await openAll(safes, matched, crypto)
  } catch (e) {
    if (isQoltanbaError(e, ErrorCode.WrongPassword)) {
      throw new QoltanbaError(ErrorCode.Malformed, 'A piece of the PKCS#12 file does not decrypt although its MAC matched', {}, { cause: e })
    }
    throw e
  }
}

/** A file without MAC: the first password form under which every piece decrypts. */
async function readUnauthenticated(safes: pkijs.ContentInfo[], forms: readonly Pkcs12Password[], crypto: Crypto): Promise<Pkcs12Contents> {
  let failure: unknown
  for (const form of forms) {
    try {
      return await openAll(safes, form, crypto)
    } catch (e) {
      if (!isQoltanbaError(e, ErrorCode.WrongPassword)) throw e
      failure = e
    }
  }
  throw failure
}

async function openAll(safes: pkijs.ContentInfo[], password: Pkcs12Password, crypto: Crypto): Promise<Pkcs12Contents> {
  const contents: Pkcs12Contents = { keys: [], certificates: [] }
  try {
    for (const safe of safes) await collectBags(await openSafe(safe, password, crypto), password, crypto, contents)
  } catch (e) {
    // Keys decrypted before a later piece failed must not linger in memory.
    for (const key of contents.keys) key.pkcs8.fill(0)
    throw e
  }
  return contents
}
