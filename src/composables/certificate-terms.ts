/**
 * What a certificate's technical identifiers mean, in the reader's language: key usages
 * (digitalSignature…), extended key usages and NCA roles (clientAuth, 1.2.398.3.3.4.1.1…),
 * policies, signature and key algorithms. Each term comes with its technical name or OID as
 * secondary text for experts (cert_terms.* in the locale files). An identifier we have no words
 * for is shown as it is, never hidden.
 */
import { useI18n } from 'vue-i18n'
import { AlgorithmOid, GostOid, isGostOid } from '@/pki/oids.ts'
import type { CertificateInfo } from '@/pki/certificate-info.ts'
import type { EkuInfo, PolicyInfo } from '@/pki/extensions.ts'

/** A term in words plus the identifier it stands for. */
export interface CertificateTerm {
  readonly text: string
  /** The technical name and/or OID, shown smaller (untranslated on purpose). */
  readonly technical?: string
}

/** Signature algorithm OID → the key algorithm and the hash it uses. */
const SIGNATURES: Readonly<Record<string, readonly [key: string, hash: string]>> = {
  [AlgorithmOid.sha1WithRsa]: ['RSA', 'SHA-1'],
  [AlgorithmOid.sha256WithRsa]: ['RSA', 'SHA-256'],
  [AlgorithmOid.sha384WithRsa]: ['RSA', 'SHA-384'],
  [AlgorithmOid.sha512WithRsa]: ['RSA', 'SHA-512'],
  [AlgorithmOid.ecdsaWithSha1]: ['ECDSA', 'SHA-1'],
  [AlgorithmOid.ecdsaWithSha256]: ['ECDSA', 'SHA-256'],
  [AlgorithmOid.ecdsaWithSha384]: ['ECDSA', 'SHA-384'],
  [AlgorithmOid.ecdsaWithSha512]: ['ECDSA', 'SHA-512'],
}

export function useCertificateTerms(): {
  keyUsage: (name: string) => CertificateTerm
  extKeyUsage: (eku: EkuInfo) => CertificateTerm
  policy: (policy: PolicyInfo) => CertificateTerm
  signatureAlgorithm: (algorithm: CertificateInfo['signatureAlgorithm']) => CertificateTerm
  publicKey: (key: CertificateInfo['publicKey']) => CertificateTerm
} {
  const { t, te } = useI18n()
  const words = (key: string, technical: string): CertificateTerm => (te(key) ? { text: t(key), technical } : { text: technical })

  return {
    keyUsage: (name) => words(`cert_terms.key_usage.${name}`, name),
    extKeyUsage: (eku) => (eku.role ? words(`cert_terms.eku.${eku.role}`, `${eku.role} · ${eku.oid}`) : { text: eku.oid }),
    policy: (policy) => (policy.name ? words(`cert_terms.policy.${policy.name}`, policy.oid) : { text: policy.oid }),
    signatureAlgorithm: ({ oid, name }) => {
      const pair = SIGNATURES[oid]
      const technical = name === oid ? oid : `${name} · ${oid}`
      if (pair) return { text: t('cert_terms.signature.with_hash', { key: pair[0], hash: pair[1] }), technical }
      if (oid === AlgorithmOid.rsassaPss) return { text: t('cert_terms.signature.rsa_pss'), technical }
      if (oid === AlgorithmOid.ed25519) return { text: 'Ed25519', technical: oid }
      if (oid === GostOid.signature2004) return { text: t('gost.signature_2004'), technical: oid }
      if (oid === GostOid.signature2015x512) return { text: t('gost.signature_2015_512'), technical: oid }
      if (isGostOid(oid)) return { text: t('cert_terms.signature.gost'), technical: oid }
      return { text: oid }
    },
    publicKey: (key) => {
      if (key.algorithm === 'RSA') return { text: key.bits ? t('cert_terms.key.rsa', { bits: key.bits }) : 'RSA', technical: key.oid }
      if (key.algorithm === 'EC') return { text: t('cert_terms.key.ec', { curve: key.curve ?? '?' }), technical: key.oid }
      if (key.oid === GostOid.key2004) return { text: t('gost.key_2004'), technical: key.oid }
      if (key.oid === GostOid.key2015x512) return { text: t('gost.key_2015_512'), technical: key.oid }
      if (key.algorithm === 'GOST') return { text: t('cert_terms.key.gost'), technical: key.oid }
      return { text: key.algorithm === 'unknown' ? key.oid : key.algorithm, technical: key.oid }
    },
  }
}
