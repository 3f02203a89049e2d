/**
 * CAdES-T made with OpenSSL alone, so verifier tests do not depend on our own TSA: a TSA
 * certificate with the critical timeStamping EKU issued by a test CA, `openssl ts -query/-reply`
 * over a SignerInfo's signature value, and the token put into the SignerInfo's unsigned
 * attributes (id-aa-signatureTimeStampToken) — the one step OpenSSL's CLI cannot do.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import * as asn1js from 'asn1js'
import * as pkijs from 'pkijs'
import { parseSignedDataSigners, SIGNATURE_TIMESTAMP_OID } from '../../../src/verifier/index.ts'
import { openssl, type CaDir, type IssuedCert, type OpensslPki } from './openssl-pki.ts'

/** Extensions of a TSA certificate (RFC 3161 §2.3: extKeyUsage timeStamping only, critical). */
export const TSA_EXTENSIONS = [
  'basicConstraints = critical,CA:FALSE',
  'keyUsage = critical,digitalSignature,nonRepudiation',
  'extendedKeyUsage = critical,timeStamping',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
]

/** A TSA signing with `cert` through `openssl ts -reply`. */
export class OpensslTsa {
  private readonly config: string
  private n = 0

  constructor(
    private readonly pki: OpensslPki,
    readonly cert: IssuedCert,
    readonly ca: CaDir,
  ) {
    this.config = pki.path(`${cert.name}-tsa.cnf`)
    writeFileSync(pki.path(`${cert.name}-tsa.serial`), '01\n')
    writeFileSync(
      this.config,
      `[tsa]
default_tsa = tsa_config
[tsa_config]
serial = ${pki.path(`${cert.name}-tsa.serial`)}
signer_cert = ${cert.certPath}
signer_key = ${cert.keyPath}
certs = ${ca.certPath}
signer_digest = sha256
default_policy = 1.2.398.3.3.2.6.1
digests = sha256, sha384, sha512
accuracy = secs:1
ess_cert_id_alg = sha256
ess_cert_id_chain = no
`,
    )
  }

  /** A timestamp token (DER ContentInfo) over `data`, its TSA certificate included (certReq). */
  token(data: Uint8Array): Uint8Array {
    const id = `${this.cert.name}-${this.n++}`
    const dataPath = this.pki.path(`${id}.data`)
    writeFileSync(dataPath, data)
    const query = this.pki.path(`${id}.tsq`)
    openssl(['ts', '-query', '-data', dataPath, '-sha256', '-cert', '-out', query])
    const out = this.pki.path(`${id}.tst`)
    openssl(['ts', '-reply', '-config', this.config, '-queryfile', query, '-token_out', '-out', out])
    return new Uint8Array(readFileSync(out))
  }

  /** Adds a signature timestamp over signer `index`'s signature value (or over `over`, to test a mismatch). */
  timestamp(cms: Uint8Array, index = 0, over?: Uint8Array): Uint8Array {
    const signer = parseSignedDataSigners(cms)[index]
    if (!signer) throw new Error(`no signer ${index}`)
    return addUnsignedAttribute(cms, index, SIGNATURE_TIMESTAMP_OID, this.token(over ?? signer.signatureValue))
  }
}

/** Re-encodes `cms` with one more unsigned attribute on signer `index` (pkijs keeps the signed parts as read). */
export function addUnsignedAttribute(cms: Uint8Array, index: number, type: string, valueDer: Uint8Array): Uint8Array {
  const info = pkijs.ContentInfo.fromBER(cms.slice())
  const sd = new pkijs.SignedData({ schema: info.content })
  const si = sd.signerInfos[index] as pkijs.SignerInfo
  const value = asn1js.fromBER(valueDer.slice()).result
  const attribute = new pkijs.Attribute({ type, values: [value] })
  if (si.unsignedAttrs) si.unsignedAttrs.attributes.push(attribute)
  else si.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [attribute] })
  const out = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: sd.toSchema(true) })
  return new Uint8Array(out.toSchema().toBER(false))
}

/** Re-encodes `cms` with `crl` (DER) in its SignedData `crls` field: validation data embedded by the signer. */
export function embedCrl(cms: Uint8Array, crl: Uint8Array): Uint8Array {
  const info = pkijs.ContentInfo.fromBER(cms.slice())
  const sd = new pkijs.SignedData({ schema: info.content })
  sd.crls = [...(sd.crls ?? []), pkijs.CertificateRevocationList.fromBER(crl.slice())]
  const out = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: sd.toSchema(true) })
  return new Uint8Array(out.toSchema().toBER(false))
}

/**
 * Adds a countersignature (RFC 5652 §11.4) by `counterCms`'s signer over signer `index` of `cms`:
 * `counterCms` is `openssl cms -sign -noattr` over that signer's signature value (OpenSSL's CLI
 * cannot countersign); its SignerInfo becomes an unsigned attribute and its certificate joins the CMS.
 */
export function addCountersignature(cms: Uint8Array, index: number, counterCms: Uint8Array): Uint8Array {
  const counter = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(counterCms.slice()).content })
  const info = pkijs.ContentInfo.fromBER(cms.slice())
  const sd = new pkijs.SignedData({ schema: info.content })
  const der = (c: unknown) => Buffer.from((c as pkijs.Certificate).toSchema().toBER(false)).toString('hex')
  const have = new Set((sd.certificates ?? []).map(der))
  sd.certificates = [...(sd.certificates ?? []), ...(counter.certificates ?? []).filter((c) => !have.has(der(c)))]
  const si = sd.signerInfos[index] as pkijs.SignerInfo
  const attribute = new pkijs.Attribute({ type: '1.2.840.113549.1.9.6', values: [(counter.signerInfos[0] as pkijs.SignerInfo).toSchema()] })
  if (si.unsignedAttrs) si.unsignedAttrs.attributes.push(attribute)
  else si.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [attribute] })
  const out = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: sd.toSchema(true) })
  return new Uint8Array(out.toSchema().toBER(false))
}
