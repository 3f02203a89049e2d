/**
 * Relying-party verification from the command line, no database needed:
 * - `qoltanba verify-login` checks a sign-in CMS against an origin and nonce (or the issued payload);
 * - `qoltanba verify-cms` checks a signed document with the same trust rules: every signer
 *   (co-signatures), CAdES-BES and CAdES-T (a signature timestamp from a TSA under one of the
 *   anchors makes its time the time of signing), the detached document as a file or its SHA-256.
 * Exit 0 and a JSON report when accepted (every signer valid); exit 1 and `REFUSED <code>: <reason>`
 * (the first signer that is not valid, then one line per other refused signer) when refused.
 *
 * Revocation is checked for every certificate of the path but the root (signer and intermediate
 * CAs): first in the CRL files given with `--crl` (offline verification), then by OCSP (AIA),
 * then by the CRLs the certificates name (CDP); a certificate nobody answers for is refused with
 * ERR_REVOCATION_UNKNOWN. `--require-policy <oid>` (repeatable) accepts only a signer certificate
 * valid under one of those certificate policies (RFC 5280 policy processing), else ERR_POLICY_REQUIRED.
 */
import { readFileSync } from 'node:fs'
import { isQoltanbaError } from '../../../src/core/errors.ts'
import {
  acceptWithoutRevocationCheck,
  createTrustStore,
  crlChecker,
  firstAnswer,
  localCrlChecker,
  ocspChecker,
  verifyLoginCms,
  verifyDocumentSignatures,
  type ParsedCertificate,
  type SignerVerdict,
  type RevocationChecker,
  type SignerPurpose,
} from '../../../src/verifier/index.ts'
import { certificatesFromFile } from '../../auth/auth-config.ts'
import { derOfFile } from '../../../src/pki/pem.ts'
import { CliUsageError, requireString, type CliCommand, type CliOptions, type CliRunContext } from '../types.ts'

const trustOptions: CliOptions = {
  cms: { type: 'string' },
  anchor: { type: 'string', multiple: true },
  intermediate: { type: 'string', multiple: true },
  crl: { type: 'string', multiple: true },
  'no-revocation': { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  now: { type: 'string' },
  'require-policy': { type: 'string', multiple: true },
}

function readInput(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path === '-' ? 0 : path))
}

function certsFrom(ctx: CliRunContext, name: string): Uint8Array[] {
  const paths = (ctx.values[name] as string[] | undefined) ?? []
  return paths.flatMap((p) => {
    const certs = certificatesFromFile(readInput(p))
    if (certs.length === 0) throw new CliUsageError(`${p} holds no certificate`)
    return certs
  })
}

/** DER CRLs from PEM text (any number of X509 CRL blocks) or a DER file. */
function crlsFrom(ctx: CliRunContext): Uint8Array[] {
  const paths = (ctx.values.crl as string[] | undefined) ?? []
  return paths.flatMap((p) => {
    const crls = derOfFile(readInput(p), 'X509 CRL')
    if (crls.length === 0) throw new CliUsageError(`${p} holds no CRL (PEM "X509 CRL" or DER)`)
    return crls
  })
}

function revocationOf(ctx: CliRunContext, timeoutMs: number): RevocationChecker {
  if (ctx.values['no-revocation']) return acceptWithoutRevocationCheck
  const crls = crlsFrom(ctx)
  const online = [ocspChecker({ timeoutMs }), crlChecker({ timeoutMs })]
  return firstAnswer(...(crls.length ? [localCrlChecker(crls)] : []), ...online)
}

function common(ctx: CliRunContext) {
  const anchors = certsFrom(ctx, 'anchor')
  if (anchors.length === 0) throw new CliUsageError('--anchor <root.pem> is required (repeat for several roots)')
  const timeoutMs = Number(ctx.values['timeout-ms'] ?? 3000)
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new CliUsageError('--timeout-ms must be a positive whole number')
  const revocation = revocationOf(ctx, timeoutMs)
  const nowRaw = ctx.values.now as string | undefined
  const now = nowRaw ? new Date(nowRaw) : new Date()
  if (Number.isNaN(now.getTime())) throw new CliUsageError('--now must be an ISO date')
  const policies = (ctx.values['require-policy'] as string[] | undefined) ?? []
  if (policies.some((p) => !/^\d+(\.\d+)+$/.test(p))) throw new CliUsageError('--require-policy takes a dotted policy OID, e.g. 1.2.398.3.3.2.1')
  const requiredPolicies = policies.length ? { requiredPolicies: policies } : {}
  return { cms: readInput(requireString(ctx, 'cms')), trustAnchors: createTrustStore(anchors, certsFrom(ctx, 'intermediate')), revocation, now, ...requiredPolicies }
}

function chainReport(chain: readonly ParsedCertificate[]) {
  return chain.map((c) => ({ subject: c.subjectDn, serial: c.serialHex, notAfter: c.notAfter.toISOString() }))
}

async function report(ctx: CliRunContext, work: () => Promise<unknown>): Promise<number> {
  try {
    ctx.out(JSON.stringify(await work(), null, 2))
    return 0
  } catch (e) {
    if (isQoltanbaError(e)) {
      ctx.err(`REFUSED ${e.code}: ${e.message}`)
      return 1
    }
    throw e
  }
}

export const commands: CliCommand[] = [
  {
    name: ['verify-login'],
    summary: 'Verify a certificate sign-in CMS against your origin and nonce (relying parties)',
    usage:
      '--cms <file|-> --origin <https://your.portal> (--nonce=<nonce> | --payload <issued-bytes-file>) --anchor <root.pem> [--anchor …] [--intermediate <ca.pem>] [--crl <crl file> …] [--require-policy <oid> …] [--no-revocation] [--timeout-ms 3000] [--now <ISO>]',
    options: { ...trustOptions, origin: { type: 'string' }, nonce: { type: 'string' }, payload: { type: 'string' } },
    async run(ctx) {
      const base = common(ctx)
      const origin = requireString(ctx, 'origin')
      const nonce = ctx.values.nonce as string | undefined
      const payloadPath = ctx.values.payload as string | undefined
      if (!nonce && !payloadPath) throw new CliUsageError('give --nonce or --payload')
      return report(ctx, async () => {
        const r = await verifyLoginCms({
          ...base,
          expectedOrigin: origin,
          ...(nonce ? { expectedNonce: nonce } : {}),
          ...(payloadPath ? { expectedPayload: readInput(payloadPath) } : {}),
        })
        return {
          accepted: true,
          iin: r.iin ?? null,
          bin: r.bin ?? null,
          identity: r.identity,
          certificate: { ...r.certificate, der: undefined },
          chain: chainReport(r.chain),
          revocation: r.revocation,
          revocations: r.revocations,
          payload: r.payload ?? null,
        }
      })
    },
  },
  {
    name: ['verify-cms'],
    summary: 'Verify a signed document (CMS/CAdES-BES/CAdES-T, attached or detached, one or several signers) with path validation and revocation',
    usage:
      '--cms <file|-> [--content <file> | --content-sha256 <hex>] --anchor <root.pem> [--anchor …] [--intermediate <ca.pem>] [--purpose signature|authentication|any] [--crl <crl file> …] [--require-policy <oid> …] [--no-revocation] [--timeout-ms 3000] [--now <ISO>]',
    options: { ...trustOptions, content: { type: 'string' }, 'content-sha256': { type: 'string' }, purpose: { type: 'string' } },
    async run(ctx) {
      const base = common(ctx)
      const purpose = (ctx.values.purpose as string | undefined) ?? 'signature'
      if (!['signature', 'authentication', 'any'].includes(purpose)) throw new CliUsageError('--purpose must be signature, authentication or any')
      const contentPath = ctx.values.content as string | undefined
      const sha256 = ctx.values['content-sha256'] as string | undefined
      if (sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha256)) throw new CliUsageError('--content-sha256 takes the 64 hex digits of the document\'s SHA-256')
      if (sha256 && contentPath) throw new CliUsageError('give --content or --content-sha256, not both')
      try {
        const r = await verifyDocumentSignatures({
          ...base,
          purpose: purpose as SignerPurpose,
          ...(contentPath ? { content: readInput(contentPath) } : {}),
          ...(sha256 ? { contentSha256: new Uint8Array(Buffer.from(sha256, 'hex')) } : {}),
        })
        const refused = r.signers.filter((s) => !s.valid)
        if (refused.length) {
          ctx.err(refused.map((s, i) => `${i === 0 ? 'REFUSED' : `  signer ${r.signers.indexOf(s) + 1}:`} ${s.code}: ${s.reason}`).join('\n'))
          return 1
        }
        const first = r.signers[0] as SignerVerdict
        ctx.out(
          JSON.stringify(
            {
              accepted: true,
              document: r.document,
              // The first signer's facts at the top level, as before co-signatures were read.
              signer: first.identity,
              signingTime: first.signingTime?.toISOString() ?? null,
              timestamp: first.timestamp?.time.toISOString() ?? null,
              contentBytes: r.document.bytes ?? null,
              chain: chainReport(first.chain),
              revocation: first.revocations[0],
              revocations: first.revocations,
              signers: r.signers.map(signerReport),
            },
            null,
            2,
          ),
        )
        return 0
      } catch (e) {
        if (isQoltanbaError(e)) {
          ctx.err(`REFUSED ${e.code}: ${e.message}`)
          return 1
        }
        throw e
      }
    },
  },
]

function signerReport(s: SignerVerdict): Record<string, unknown> {
  return {
    valid: s.valid,
    level: s.level,
    signer: s.identity,
    certificate: { subject: s.certificate.subjectDn, serial: s.certificate.serialHex, notAfter: s.certificate.notAfter.toISOString() },
    signingTime: s.signingTime?.toISOString() ?? null,
    timestamp: s.timestamp ? { time: s.timestamp.time.toISOString(), tsa: s.timestamp.tsa.subjectDn, policy: s.timestamp.policy, serial: s.timestamp.serialHex } : null,
    checkedAt: s.checkedAt.toISOString(),
    chain: chainReport(s.chain),
    revocations: s.revocations,
    notes: s.notes,
    countersignatures: s.countersignatures.map(signerReport),
  }
}
