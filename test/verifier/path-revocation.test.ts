/**
 * Revocation of every certificate of the path, not only the signer's: root → intermediate → leaf
 * made by OpenSSL, where the root revokes or suspends the intermediate. Both verifiers refuse what
 * `openssl verify -crl_check_all` refuses on the same files, and say which certificate failed
 * (details.depth). The root's status answers come from CRL files in hand, from a real
 * `openssl ocsp` responder (AIA), or from CRLs served by an injected fetch (CDP).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildLoginPayload,
  cacheCaAnswers,
  createNonce,
  crlChecker,
  firstAnswer,
  localCrlChecker,
  ocspChecker,
  verifyLoginCms,
  verifySignedCms,
  type FetchLike,
  type RevocationChecker,
} from '../../src/verifier/index.ts'
import { isQoltanbaError } from '../../src/core/errors.ts'
import { freePort, startOcspResponder } from './helpers/ocsp-responder.ts'
import { OpensslPki, type CaDir, type IssuedCert } from './helpers/openssl-pki.ts'
import { CRL_BASE, crlFiles, intermediateWithStatus, leafUnder, opensslVerifyAll, scopedCrl } from './helpers/path-pki.ts'

const ORIGIN = 'https://portal.example.kz'

let pki: OpensslPki
let root: CaDir
let responder: { stop: () => void }
/** Intermediates: revoked by the root, suspended, good, and one naming no status source at all. */
let cas: Record<'revoked' | 'held' | 'good' | 'silent', CaDir>
let leaves: Record<keyof typeof cas, IssuedCert>
/** CRLs by issuer name, as PEM files (for openssl) and DER. */
let crls: Record<'root' | keyof typeof cas, { pemPath: string; der: Uint8Array }>

beforeAll(async () => {
  const [ocspPort, deadPort] = [await freePort(), await freePort()]
  pki = new OpensslPki()
  root = pki.rootCa('path-root')
  const status = { ocspUrl: `http://127.0.0.1:${ocspPort}/`, crlUrl: `${CRL_BASE}/path-root.crl` }
  cas = {
    revoked: intermediateWithStatus(pki, root, 'revoked-ca', status),
    held: intermediateWithStatus(pki, root, 'held-ca', status),
    good: intermediateWithStatus(pki, root, 'good-ca', status),
    silent: intermediateWithStatus(pki, root, 'silent-ca', { ocspUrl: `http://127.0.0.1:${deadPort}/` }),
  }
  leaves = {
    revoked: leafUnder(pki, cas.revoked, 'under-revoked', '870101300001'),
    held: leafUnder(pki, cas.held, 'under-held', '870101300002'),
    good: leafUnder(pki, cas.good, 'under-good', '870101300003'),
    silent: leafUnder(pki, cas.silent, 'under-silent', '870101300004'),
  }
  pki.revoke(root, cas.revoked, 'keyCompromise')
  pki.revoke(root, cas.held, 'certificateHold')
  crls = {
    root: crlFiles(pki, root),
    revoked: crlFiles(pki, cas.revoked),
    held: crlFiles(pki, cas.held),
    good: crlFiles(pki, cas.good),
    silent: crlFiles(pki, cas.silent),
  }
  responder = await startOcspResponder(root, ocspPort)
})

afterAll(() => {
  responder?.stop()
  pki?.dispose()
})

type Kind = keyof typeof cas

/** A document signature by the leaf under `kind`, with its CA in the CMS. */
function signDocument(kind: Kind): Uint8Array {
  return pki.cmsSign(leaves[kind], new TextEncoder().encode('Договор №7'), { chain: [cas[kind].certPem] })
}

async function refusal(work: Promise<unknown>): Promise<{ code: string; details: Record<string, unknown>; message: string }> {
  try {
    await work
  } catch (e) {
    if (isQoltanbaError(e)) return { code: e.code, details: { ...e.details }, message: e.message }
    throw e
  }
  throw new Error('accepted')
}

const verifyCms = (kind: Kind, revocation: RevocationChecker) =>
  verifySignedCms({ cms: signDocument(kind), trustAnchors: [root.der], revocation })

function verifyLogin(kind: Kind, revocation: RevocationChecker) {
  const { bytes } = buildLoginPayload({ origin: ORIGIN, nonce: createNonce(), issuedAt: new Date() })
  const cms = pki.cmsSign(leaves[kind], bytes, { chain: [cas[kind].certPem] })
  return verifyLoginCms({ cms, expectedPayload: bytes, expectedOrigin: ORIGIN, trustAnchors: [root.der], revocation })
}

/** Serves every CRL of this PKI at CRL_BASE, counting requests; anything else is a 404. */
function crlServer(): { fetch: FetchLike; asked: string[] } {
  const asked: string[] = []
  const byUrl = new Map(Object.entries(crls).map(([name, c]) => [`${CRL_BASE}/${name === 'root' ? 'path-root' : cas[name as Kind].name}.crl`, c.der]))
  return {
    asked,
    fetch: async (url) => {
      asked.push(url)
      const der = byUrl.get(url)
      return der ? new Response(der as Uint8Array<ArrayBuffer>) : new Response('', { status: 404 })
    },
  }
}

const allCrls = () => Object.values(crls).map((c) => c.der)

describe('revocation of the intermediate CA, from CRL files (offline)', () => {
  it('refuses a leaf whose CA the root revoked, as openssl verify -crl_check_all does, naming depth 1', async () => {
    const ossl = opensslVerifyAll(root, cas.revoked, leaves.revoked, [crls.root.pemPath, crls.revoked.pemPath])
    expect(ossl.code).not.toBe(0)
    expect(ossl.out).toMatch(/error 23 at 1 depth lookup: certificate revoked/)

    const revocation = localCrlChecker(allCrls())
    // Thunks, not promises: a second verification started early would reject with nobody listening yet.
    for (const work of [() => verifyCms('revoked', revocation), () => verifyLogin('revoked', revocation)]) {
      const r = await refusal(work())
      expect(r.code).toBe('ERR_CERT_REVOKED')
      expect(r.details).toMatchObject({ depth: 1, subject: expect.stringContaining('revoked-ca'), source: 'crl', reason: 1 })
    }
  })

  it('accepts the good chain, as openssl does, and reports the status of both certificates', async () => {
    expect(opensslVerifyAll(root, cas.good, leaves.good, [crls.root.pemPath, crls.good.pemPath]).code).toBe(0)
    const result = await verifyCms('good', localCrlChecker(allCrls()))
    expect(result.revocations.map((r) => [r.status, r.source])).toEqual([['good', 'crl'], ['good', 'crl']])
    expect(result.revocation).toBe(result.revocations[0])
    const login = await verifyLogin('good', localCrlChecker(allCrls()))
    expect(login.revocations).toHaveLength(2)
  })

  it('refuses a suspended CA with ERR_CERT_ON_HOLD at depth 1', async () => {
    expect(opensslVerifyAll(root, cas.held, leaves.held, [crls.root.pemPath, crls.held.pemPath]).out).toMatch(/at 1 depth lookup: certificate revoked/)
    const r = await refusal(verifyCms('held', localCrlChecker(allCrls())))
    expect(r).toMatchObject({ code: 'ERR_CERT_ON_HOLD', details: { depth: 1 } })
  })

  it('fails closed when nobody answers for the CA: ERR_REVOCATION_UNKNOWN at depth 1 (the leaf alone is good)', async () => {
    // Only the intermediate's own CRL: the leaf is answered, the CA is not (no root CRL, dead OCSP).
    const leafOnly = firstAnswer(localCrlChecker([crls.silent.der]), ocspChecker({ timeoutMs: 2000 }))
    expect(opensslVerifyAll(root, cas.silent, leaves.silent, [crls.silent.pemPath]).out).toMatch(/at 1 depth lookup: unable to get certificate CRL/)
    for (const work of [() => verifyCms('silent', leafOnly), () => verifyLogin('silent', leafOnly)]) {
      const r = await refusal(work())
      expect(r.code).toBe('ERR_REVOCATION_UNKNOWN')
      expect(r.details).toMatchObject({ depth: 1, subject: expect.stringContaining('silent-ca') })
    }
  })

  it('names the revoked CA rather than the leaf whose status is merely unknown', async () => {
    // The root CRL only: the CA is revoked, the leaf's own CRL is missing.
    const r = await refusal(verifyCms('revoked', localCrlChecker([crls.root.der])))
    expect(r).toMatchObject({ code: 'ERR_CERT_REVOKED', details: { depth: 1 } })
  })

  it('does not take a CRL limited to end-entity certificates as an answer for the CA', async () => {
    const userOnly = scopedCrl(pki, root, 'onlyuser = TRUE')
    expect(opensslVerifyAll(root, cas.revoked, leaves.revoked, [userOnly.pemPath, crls.revoked.pemPath]).code).not.toBe(0)
    const r = await refusal(verifyCms('revoked', localCrlChecker([userOnly.der, crls.revoked.der])))
    expect(r.code).toBe('ERR_REVOCATION_UNKNOWN')
    expect(r.message).toContain('end-entity certificates only')
  })
})

describe('revocation of the intermediate CA, online (OCSP first, then CRL)', () => {
  it('asks the root OCSP responder named in the CA certificate, and the leaf CRL by its CDP', async () => {
    const served = crlServer()
    const online = firstAnswer(ocspChecker({ timeoutMs: 2000 }), crlChecker({ fetch: served.fetch }))
    const r = await refusal(verifyCms('revoked', online))
    expect(r).toMatchObject({ code: 'ERR_CERT_REVOKED', details: { depth: 1, source: 'ocsp' } })
    const ok = await verifyCms('good', online)
    expect(ok.revocations.map((a) => a.source)).toEqual(['crl', 'ocsp'])
  })

  it('falls back to the root CRL (CDP) when the CA has no OCSP answer, and refuses when neither answers', async () => {
    const served = crlServer()
    // The responder answers 404 for every certificate: OCSP says nothing, the CRLs decide.
    const crlOnly = firstAnswer(ocspChecker({ responderUrl: `${CRL_BASE}/no-ocsp`, fetch: served.fetch }), crlChecker({ fetch: served.fetch }))
    const r = await refusal(verifyLogin('revoked', crlOnly))
    expect(r).toMatchObject({ code: 'ERR_CERT_REVOKED', details: { depth: 1, source: 'crl' } })
    expect(served.asked).toContain(`${CRL_BASE}/path-root.crl`)
    const down: FetchLike = async () => new Response('', { status: 503 })
    const nothing = await refusal(verifyLogin('good', firstAnswer(ocspChecker({ fetch: down }), crlChecker({ fetch: down }))))
    expect(nothing.code).toBe('ERR_REVOCATION_UNKNOWN')
  })

  it('reuses answers about the CA (cacheCaAnswers) but asks about the leaf every time', async () => {
    const served = crlServer()
    const asked: string[] = []
    const countingFetch: FetchLike = (url, init) => {
      asked.push(url)
      return fetch(url, init)
    }
    const online = firstAnswer(ocspChecker({ timeoutMs: 2000, fetch: countingFetch }), crlChecker({ fetch: served.fetch }))
    const checked: string[] = []
    const revocation = cacheCaAnswers({
      check: (certificate, issuer, now) => {
        checked.push(certificate.basicConstraints?.cA ? 'ca' : 'leaf')
        return online.check(certificate, issuer, now)
      },
    })
    await verifyCms('good', revocation)
    await verifyCms('good', revocation)
    expect(checked.sort()).toEqual(['ca', 'leaf', 'leaf'])
    expect(asked).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:/)]) // the CA's one OCSP request
    const revoked = cacheCaAnswers(firstAnswer(ocspChecker({ timeoutMs: 2000 }), crlChecker({ fetch: served.fetch })))
    for (let i = 0; i < 2; i++) expect((await refusal(verifyCms('revoked', revoked))).code).toBe('ERR_CERT_REVOKED')
  })
})
