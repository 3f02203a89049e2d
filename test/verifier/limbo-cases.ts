/**
 * The vendored x509-limbo cases (test/verifier/limbo/cases.json.gz, see its README) and the
 * runner that puts one case through our validatePath the way a relying party would call it:
 * peer certificate = leaf, untrusted_intermediates = intermediates, trusted_certs = anchors,
 * validation_time (or now) with no clock skew, extended_key_usage mapped onto the EKU check.
 */
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { QoltanbaError } from '../../src/core/errors.ts'
import { checkExtendedKeyUsage } from '../../src/verifier/end-entity.ts'
import { parseCertificate, type ParsedCertificate } from '../../src/verifier/certificate.ts'
import { validatePath } from '../../src/verifier/path-validation.ts'
import { EkuOid } from '../../src/pki/oids.ts'

/** The fields of a limbo testcase this harness reads (limbo-schema.json upstream). */
export interface LimboCase {
  readonly id: string
  readonly features: readonly string[]
  readonly description: string
  readonly validation_kind: 'SERVER' | 'CLIENT'
  readonly trusted_certs: readonly string[]
  readonly untrusted_intermediates: readonly string[]
  readonly peer_certificate: string
  readonly validation_time: string | null
  readonly signature_algorithms: readonly string[]
  readonly key_usage: readonly string[]
  readonly extended_key_usage: readonly string[]
  readonly expected_result: 'SUCCESS' | 'FAILURE'
  readonly max_chain_depth: number | null
}

export interface LimboSuite {
  readonly upstream_commit: string
  readonly testcases: readonly LimboCase[]
}

export function loadLimboSuite(): LimboSuite {
  const gz = readFileSync(new URL('./limbo/cases.json.gz', import.meta.url))
  return JSON.parse(gunzipSync(gz).toString('utf8')) as LimboSuite
}

/**
 * Cases we do not run, by id prefix or exact id, with the reason (test/verifier/README.md
 * repeats these). Everything else in the vendored families is in scope.
 */
export const OUT_OF_SCOPE: readonly { readonly match: (c: LimboCase) => boolean; readonly reason: string }[] = [
  {
    match: (c) => c.features.includes('max-chain-depth'),
    reason: 'max-chain-depth: a caller-chosen depth limit; our API has a fixed bound (8 certificates), no per-call knob',
  },
  {
    match: (c) => c.id === 'webpki::nc::permitted-dns-match-noncritical',
    reason: 'CA/Browser Forum exception (non-critical nameConstraints allowed); RFC 5280 requires critical and we follow RFC 5280 (rfc5280::nc::permitted-dns-match-noncritical)',
  },
  {
    match: (c) => c.id === 'rfc5280::ca-as-leaf-wrong-san',
    reason: 'the expected failure is a peer-name (hostname/IP) mismatch; a sign-in/signature verifier matches no peer name',
  },
]

const EKU_OIDS: Readonly<Record<string, string>> = {
  serverAuth: EkuOid.serverAuth,
  clientAuth: EkuOid.clientAuth,
  codeSigning: EkuOid.codeSigning,
  emailProtection: EkuOid.emailProtection,
  timeStamping: EkuOid.timeStamping,
  OCSPSigning: EkuOid.ocspSigning,
  anyExtendedKeyUsage: '2.5.29.37.0',
}

function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'))
}

/** Our answer for one case: SUCCESS, or FAILURE with the refusal code. */
export interface LimboOutcome {
  readonly result: 'SUCCESS' | 'FAILURE'
  readonly code?: string
  readonly message?: string
}

/** Runs one case. Only typed refusals count as FAILURE; anything else is rethrown (a bug). */
export async function runLimboCase(c: LimboCase): Promise<LimboOutcome> {
  try {
    const parse = (pem: string): ParsedCertificate => parseCertificate(pemToDer(pem))
    const leaf = parse(c.peer_certificate)
    const path = await validatePath({
      leaf,
      intermediates: c.untrusted_intermediates.map(parse),
      anchors: c.trusted_certs.map(parse),
      now: c.validation_time ? new Date(c.validation_time) : new Date(),
      skewMs: 0,
    })
    for (const eku of c.extended_key_usage) {
      const oid = EKU_OIDS[eku]
      if (!oid) throw new Error(`unmapped EKU ${eku}`)
      checkExtendedKeyUsage(path[0] as ParsedCertificate, oid)
    }
    return { result: 'SUCCESS' }
  } catch (e) {
    if (e instanceof QoltanbaError) return { result: 'FAILURE', code: e.code, message: e.message }
    throw e
  }
}
