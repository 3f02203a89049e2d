/**
 * The key step against a recording signer (a hardware token of our agent): two keys made one
 * after the other on the chosen token with the PIN, each with its purpose's EKU and an ASCII
 * label, and a submission with storage 'token' whose draft remembers the token and key ids. The
 * same flow over the real browser keystore makes one container holding both keys.
 */
import { describe, expect, it } from 'vitest'
import type { GenerateKeyAndCsrRequest, Signer } from '../../src/core/signer.ts'
import { makeKeysAndRequests, tokenObjectLabel, type KeyRequestInput, type KeyTarget } from '../../src/flows/key-requests.ts'
import { KeystoreSigner } from '../../src/keystore/index.ts'
import { newKeystore } from '../keystore/helpers.ts'

function recordingSigner(fail?: Error): { signer: Signer; calls: GenerateKeyAndCsrRequest[] } {
  const calls: GenerateKeyAndCsrRequest[] = []
  const signer = {
    kind: 'qoltanba-agent',
    capabilities: new Set(['generateKeyAndCsr', 'importCertificate', 'listCertificates', 'signCms']),
    secretEntry: 'page',
    async generateKeyAndCsr(request: GenerateKeyAndCsrRequest) {
      calls.push(request)
      if (fail) throw fail
      const n = calls.length
      return { keyId: `0${n}`, storageId: request.storageId!, csr: new Uint8Array([0x30, n]), publicKey: new Uint8Array([n]) }
    },
  } as unknown as Signer
  return { signer, calls }
}

function input(phases: string[], storage: KeyRequestInput['storage'] = 'token'): KeyRequestInput {
  return {
    draft: {
      applicant: {
        kind: 'individual', profile: 'individual', iin: '900101300017', surname: 'ТЕСТОВ', name: 'ТЕСТ',
        patronymic: 'ТЕСТОВИЧ', email: 'a@example.kz', bin: null, organization: null, region: 'KZ-75',
      },
    },
    caRootSha256: 'ab'.repeat(32),
    storage,
    algorithm: 'P-256',
    onPhase: (p) => void phases.push(p),
  }
}

const onToken = (signer: Signer, pin: string): KeyTarget => ({ signer, storageId: 'p11:softhsm:1', secret: pin, label: (p) => tokenObjectLabel(p, '900101300017') })

describe('makeKeysAndRequests', () => {
  it('makes both keys on the token and submits storage token with the token and key ids', async () => {
    const { signer, calls } = recordingSigner()
    const phases: string[] = []
    const { body, draft } = await makeKeysAndRequests(input(phases), onToken(signer, '246810'))

    expect(calls.map((c) => [c.storageId, c.secret, c.algorithm, c.extKeyUsage, c.label])).toEqual([
      ['p11:softhsm:1', '246810', 'P-256', ['1.3.6.1.5.5.7.3.2'], 'AUTH IIN900101300017'],
      ['p11:softhsm:1', '246810', 'P-256', ['1.3.6.1.5.5.7.3.4'], 'SIGN IIN900101300017'],
    ])
    expect(calls[0]!.subject).toEqual({ commonName: 'ТЕСТОВ ТЕСТ', surname: 'ТЕСТОВ', serialNumber: 'IIN900101300017', country: 'KZ', givenName: 'ТЕСТОВИЧ' })
    expect(calls[0]!.keyUsage).toEqual(['digitalSignature', 'keyAgreement'])
    expect(calls[1]!.keyUsage).toEqual(['digitalSignature', 'nonRepudiation'])
    expect(phases).toEqual(['auth_key', 'sign_key', 'requests'])
    expect(body.storage).toBe('token')
    expect(body.requests).toEqual([
      { purpose: 'auth', csr: 'MAE=' },
      { purpose: 'sign', csr: 'MAI=' },
    ])
    expect(draft.keys).toEqual({ storage: 'token', algorithm: 'P-256', tokenId: 'p11:softhsm:1', keyIds: { auth: '01', sign: '02' } })
    expect(draft.caRootSha256).toBe('ab'.repeat(32))
  })

  it('stops at the first failure (a wrong PIN makes no second key)', async () => {
    const wrongPin = Object.assign(new Error('wrong PIN'), { code: 'ERR_WRONG_PIN' })
    const { signer, calls } = recordingSigner(wrongPin)
    await expect(makeKeysAndRequests(input([]), onToken(signer, '0000'))).rejects.toMatchObject({ code: 'ERR_WRONG_PIN' })
    expect(calls).toHaveLength(1)
  })

  it('refuses a signer that cannot generate keys', async () => {
    const signer = { capabilities: new Set(['signCms']) } as unknown as Signer
    await expect(makeKeysAndRequests(input([]), onToken(signer, '1'))).rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED' })
  })

  it('browser storage: both keys in one new container named by the label, recorded by container and key ids', async () => {
    const keystore = newKeystore()
    const phases: string[] = []
    const target: KeyTarget = { signer: new KeystoreSigner(keystore), secret: 'Keys-Test-1', label: () => 'ТЕСТОВ ТЕСТ — application' }
    const { body, draft } = await makeKeysAndRequests(input(phases, 'browser'), target)
    expect(phases).toEqual(['auth_key', 'sign_key', 'requests'])
    const containers = await keystore.listContainers()
    expect(containers.map((c) => c.name)).toEqual(['ТЕСТОВ ТЕСТ — application'])
    const { keyIds, ...where } = draft.keys
    expect(where).toEqual({ storage: 'browser', algorithm: 'P-256', containerId: containers[0]!.id })
    expect([keyIds!.auth, keyIds!.sign].sort()).toEqual(containers[0]!.keys.map((k) => k.id).sort())
    expect(keyIds!.auth).not.toBe(keyIds!.sign)
    expect(body.storage).toBe('browser')
    expect(body.requests.map((r) => r.purpose)).toEqual(['auth', 'sign'])
  })

  it('labels are printable ASCII (the agent refuses others)', () => {
    expect(tokenObjectLabel('auth', '900101300017')).toMatch(/^[\x20-\x7e]+$/)
  })
})
