/**
 * Countersignatures (RFC 5652 §11.4): an unsigned attribute of a SignerInfo holding another
 * SignerInfo whose signature covers the first one's signature value — a second person vouching
 * for (or notarising) that signature, not for the document. Read as ParsedSignedData over the
 * countersigned signature value, so they go through the same checks as any signer; a contentType
 * signed attribute is not allowed in them (RFC 5652 §11.1) and makes the signature invalid.
 */
import { asMalformed } from '../core/errors.ts'
import { DerError, readTlv } from '../pki/der-reader.ts'
import { findSignerFast, signerInfoFields, type ParsedSignedData } from './cms-signature.ts'
import { refuse, LoginErrorCode } from './errors.ts'
import { signerInfoOf, verifySignerInfoFast } from './fast-cms.ts'
import { defaultSignatureVerifier } from './signature-verifier.ts'

/** id-countersignature. */
export const COUNTERSIGNATURE_OID = '1.2.840.113549.1.9.6'

/** Most countersignatures read on one signer. */
const MAX_COUNTERSIGNATURES = 8

function parseOne(parent: ParsedSignedData, der: Uint8Array): ParsedSignedData {
  try {
    const tlv = readTlv(der, 0)
    if (tlv.end !== der.length) throw new DerError('trailing bytes')
    const info = signerInfoOf(der, tlv)
    const signer = findSignerFast(info.sid, parent.certificates)
    return {
      contentType: '',
      content: parent.signatureValue,
      signer,
      certificates: parent.certificates,
      ...signerInfoFields(info),
      crls: parent.crls,
      // No eContentType: a countersignature must not carry the contentType attribute.
      verifySignature: async (content, crypto, verifier) => (await verifySignerInfoFast(info, undefined, signer, content, verifier ?? defaultSignatureVerifier(crypto))) ?? false,
    }
  } catch (e) {
    throw asMalformed(e, 'The countersignature')
  }
}

/** The countersignatures of `parent` (DER SignerInfos only); ERR_MALFORMED for one that cannot be read. */
export function parseCountersignatures(parent: ParsedSignedData): ParsedSignedData[] {
  const values = parent.unsignedAttributes.filter((a) => a.type === COUNTERSIGNATURE_OID).flatMap((a) => a.values)
  if (values.length > MAX_COUNTERSIGNATURES) refuse(LoginErrorCode.Malformed, `The signature has ${values.length} countersignatures, at most ${MAX_COUNTERSIGNATURES} are read`)
  return values.map((v) => parseOne(parent, v))
}
