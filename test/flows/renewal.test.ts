/**
 * Renewal on a hardware token (src/flows/renewal.ts prepareTokenRenewal) against a recording
 * agent signer: both new keys are made on the certificate's own token with the PIN, the renewal
 * request is signed by the token's CURRENT signing certificate (its id, the same PIN) over the
 * payload naming the new CSRs, and the draft remembers the token and the new key ids for
 * installation. A wrong PIN makes nothing and signs nothing. Plus where renewed keys go
 * (renewalStorage) and which token certificate renews a pair (renewableTokenCertificate).
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { GenerateKeyAndCsrRequest, SignCmsRequest, Signer } from '../../src/core/signer.ts'
import { renewalRequestPayload } from '../../src/core/renewal-wire.ts'
import { prepareTokenRenewal } from '../../src/flows/renewal.ts'
import type { TokenCertificateView } from '../../src/flows/token-certificates.ts'
import { renewableTokenCertificate, renewalStorage } from '../../src/stores/renewal.ts'

const IIN = '900101300017'
const DAY = 86_400_000

function recordingAgent(wrongPin?: string) {
  const generated: GenerateKeyAndCsrRequest[] = []
  const signed: SignCmsRequest[] = []
  const signer = {
    kind: 'qoltanba-agent',
    capabilities: new Set(['generateKeyAndCsr', 'signCms']),
    secretEntry: 'page',
    async generateKeyAndCsr(request: GenerateKeyAndCsrRequest) {
      if (request.secret === wrongPin) throw Object.assign(new Error('wrong PIN'), { code: 'ERR_WRONG_PIN', attemptsLeft: 2 })
      generated.push(request)
      const n = generated.length
      return { keyId: `new-${n}`, storageId: request.storageId!, csr: new Uint8Array([0x30, n]), publicKey: new Uint8Array([n]) }
    },
    async signCms(request: SignCmsRequest) {
      signed.push(request)
      return { cms: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x07]) }
    },
  } as unknown as Signer
  return { signer, generated, signed }
}

const applicant = {
  kind: 'individual', profile: 'individual', iin: IIN, surname: 'ТЕСТОВ', name: 'ТЕСТ',
  patronymic: null, email: null, bin: null, organization: null, region: '',
} as const

const onToken = { id: 'cert-c1', storageId: 'p11:softhsm:7', serial: '4a1b2c', keyAlgorithm: 'EC' } as const

describe('prepareTokenRenewal', () => {
  it('makes both keys on the same token and signs the renewal with the token\u2019s current signing certificate', async () => {
    const { signer, generated, signed } = recordingAgent()
    const phases: string[] = []
    const { body, draft, renewal } = await prepareTokenRenewal({ signer, certificate: onToken, applicant, pin: '246810', supersedeNow: true, language: 'ru', onPhase: (p) => void phases.push(p) })

    expect(generated.map((g) => [g.storageId, g.secret, g.algorithm, g.label])).toEqual([
      ['p11:softhsm:7', '246810', 'P-256', `AUTH IIN${IIN}`],
      ['p11:softhsm:7', '246810', 'P-256', `SIGN IIN${IIN}`],
    ])
    expect(signed).toHaveLength(1)
    const s = signed[0]!
    expect({ certificateId: s.certificateId, storageId: s.storageId, secret: s.secret, detached: s.detached }).toEqual({ certificateId: 'cert-c1', storageId: 'p11:softhsm:7', secret: '246810', detached: false })
    // The signed bytes name the old certificate, the holder, both new CSRs and the choice.
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
    const time = new Date(JSON.parse(new TextDecoder().decode(s.data)).time as string)
    expect(Buffer.from(s.data)).toEqual(Buffer.from(renewalRequestPayload({ serial: '4a1b2c', iin: IIN, csrSha256: { auth: sha(new Uint8Array([0x30, 1])), sign: sha(new Uint8Array([0x30, 2])) }, supersedeNow: true, time })))
    expect(renewal).toMatchObject({ serial: '4a1b2c', iin: IIN, supersedeNow: true, language: 'ru', cms: 'MAMCAQc=', requests: body.requests })
    expect(body.storage).toBe('token')
    expect(draft).toMatchObject({ renewalOf: '4a1b2c', keys: { storage: 'token', algorithm: 'P-256', tokenId: 'p11:softhsm:7', keyIds: { auth: 'new-1', sign: 'new-2' } } })
    expect(phases).toEqual(['auth_key', 'sign_key', 'requests'])
  })

  it('an RSA certificate gets RSA keys; a wrong PIN makes no key and signs nothing', async () => {
    const rsa = recordingAgent()
    await prepareTokenRenewal({ signer: rsa.signer, certificate: { ...onToken, keyAlgorithm: 'RSA' }, applicant, pin: '1', supersedeNow: false, language: 'kk', onPhase: () => {} })
    expect(rsa.generated.map((g) => g.algorithm)).toEqual(['RSA-2048', 'RSA-2048'])
    const wrong = recordingAgent('0000')
    await expect(prepareTokenRenewal({ signer: wrong.signer, certificate: onToken, applicant, pin: '0000', supersedeNow: false, language: 'kk', onPhase: () => {} })).rejects.toMatchObject({ code: 'ERR_WRONG_PIN' })
    expect({ generated: wrong.generated.length, signed: wrong.signed.length }).toEqual({ generated: 0, signed: 0 })
  })
})

describe('where a renewal puts the new keys', () => {
  it('follows the old application, else an imported key file renews into key files', () => {
    expect(renewalStorage('file', 'generated')).toBe('file')
    expect(renewalStorage('browser', 'imported')).toBe('browser')
    expect(renewalStorage(undefined, 'imported')).toBe('file')
    expect(renewalStorage(undefined, 'generated')).toBe('browser')
  })

  it('a token certificate renews through the signing certificate of the same holder on the same token', () => {
    const now = Date.now()
    const cert = (over: Partial<TokenCertificateView>): TokenCertificateView => ({
      key: 'k', id: 'x', storageId: 't1', keyId: 'k1', tokenLabel: 't1', commonName: 'ТЕСТОВ ТЕСТ', iin: IIN, notAfter: now + 20 * DAY, auth: false, serial: 'aa', keyAlgorithm: 'EC', ...over,
    })
    const sign = cert({ id: 's', serial: 'aa' })
    const auth = cert({ id: 'a', serial: 'bb', auth: true })
    const other = cert({ id: 'o', serial: 'cc', storageId: 't2' })
    expect(renewableTokenCertificate([auth, sign, other], 'AA', now)).toBe(sign)
    expect(renewableTokenCertificate([auth, other, sign], 'bb', now)).toBe(sign)
    expect(renewableTokenCertificate([auth, other], 'bb', now)).toBeUndefined()
    expect(renewableTokenCertificate([cert({ notAfter: now - 1 })], 'aa', now)).toBeUndefined()
    expect(renewableTokenCertificate([cert({ keyId: undefined })], 'aa', now)).toBeUndefined()
  })
})
