import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseCsr, verifyCsr } from '../../src/pki/csr.ts'
import { verifyCms } from '../../src/pki/cms.ts'
import { fromPem } from '../../src/pki/pem.ts'
import { Keystore, KeystoreSigner } from '../../src/keystore/index.ts'
import { openssl, type OpenSsl } from '../pki/openssl.ts'
import { nca, newKeystore, rejectsWithCode } from './helpers.ts'

let ssl: OpenSsl
beforeAll(() => {
  // A throwaway CA made by OpenSSL issues certificates for our CSRs.
  ssl = openssl('qoltanba-keystore-signer-')
  ssl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=Test CA', '-days', '30'])
})
afterAll(() => ssl.cleanup())

const keystores: Keystore[] = []
afterEach(async () => {
  await Promise.all(keystores.splice(0).map((k) => k.destroy()))
})

function issue(csr: Uint8Array): Uint8Array {
  ssl.write('req.der', csr)
  ssl.run(['req', '-inform', 'DER', '-in', 'req.der', '-out', 'req.pem'])
  ssl.run(['x509', '-req', '-in', 'req.pem', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30', '-out', 'leaf.pem'])
  const [block] = fromPem(new TextDecoder().decode(ssl.read('leaf.pem')))
  return block!.der
}

describe('KeystoreSigner', () => {
  it('generates a key + CSR in a new container, installs the issued certificate and signs with it', async () => {
    const keystore = newKeystore()
    keystores.push(keystore)
    const signer = new KeystoreSigner(keystore)
    expect((await signer.detect()).available).toBe(true)
    expect(signer.capabilities.has('generateKeyAndCsr')).toBe(true)

    const generated = await signer.generateKeyAndCsr({
      algorithm: 'P-256',
      subject: { commonName: 'ТЕСТОВ ТЕСТ', surname: 'ТЕСТОВ', serialNumber: 'IIN123456789011', country: 'KZ' },
      keyUsage: ['digitalSignature'],
      secret: 'container-pass',
      label: 'Browser key',
    })
    expect(await verifyCsr(generated.csr)).toBe(true)
    expect(parseCsr(generated.csr).subject.iin).toBe('123456789011')
    expect((await signer.listStorages()).map((s) => [s.label, s.type])).toEqual([['Browser key', 'browser']])
    expect(await signer.listCertificates()).toEqual([])

    const certificate = issue(generated.csr)
    const installed = await signer.importCertificate({ certificate })
    expect(installed).toMatchObject({ storageId: generated.storageId, keyId: generated.keyId })
    await rejectsWithCode(signer.importCertificate({ certificate: new Uint8Array(ssl.read('ca.crt')) }), 'ERR_KEY_MISMATCH')

    keystore.lockAll()
    const data = new TextEncoder().encode('signed through the Signer interface')
    await rejectsWithCode(signer.signCms({ data, certificateId: installed.id }), 'ERR_LOCKED')
    await rejectsWithCode(signer.signCms({ data, certificateId: installed.id, secret: 'wrong' }), 'ERR_WRONG_PASSWORD')
    const { cms } = await signer.signCms({ data, certificateId: installed.id, secret: 'container-pass', detached: true })
    const verified = await verifyCms(cms, { data })
    expect(verified.valid).toBe(true)
    expect(verified.signerCertificate).toEqual(certificate)

    // OpenSSL agrees.
    ssl.write('sig.der', cms)
    ssl.write('data.txt', data)
    expect(ssl.run(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig.der', '-content', 'data.txt', '-CAfile', 'ca.crt', '-out', '/dev/null'])).toMatch(
      /Verification successful/,
    )

    // Attaching again with the CA certificate stores the chain, and CMS then carries it.
    await keystore.attachCertificate(generated.storageId, certificate, [new Uint8Array(ssl.read('ca.crt'))])
    const withChain = await keystore.getContainer(generated.storageId)
    expect(withChain.certificates.map((c) => [c.summary.commonName, Boolean(c.keyId)])).toEqual(
      expect.arrayContaining([
        ['ТЕСТОВ ТЕСТ', true],
        ['Test CA', false],
      ]),
    )
    ssl.write('sig2.der', await keystore.signCms(generated.storageId, generated.keyId, data))
    // The embedded CA certificate adds its subject and issuer to what the first signature names.
    const mentions = (file: string) => ssl.run(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file]).match(/Test CA/g)?.length ?? 0
    expect(mentions('sig2.der')).toBe(mentions('sig.der') + 2)

    await signer.deleteCertificate(installed.id)
    expect(await signer.listCertificates()).toEqual([])
    expect(await signer.listKeys()).toHaveLength(1)
  })

  it('adds a key to an existing container with its password, and signs with an imported NCA key', async () => {
    const keystore = newKeystore()
    keystores.push(keystore)
    const signer = new KeystoreSigner(keystore)
    const container = await keystore.importPkcs12(nca.auth(), nca.password)
    await rejectsWithCode(
      signer.generateKeyAndCsr({ algorithm: 'RSA-2048', subject: { commonName: 'X' }, storageId: container.id, secret: 'wrong' }),
      'ERR_WRONG_PASSWORD',
    )
    const added = await signer.generateKeyAndCsr({ algorithm: 'RSA-2048', subject: { commonName: 'X' }, storageId: container.id, secret: nca.password })
    expect(added.storageId).toBe(container.id)
    expect(await signer.listKeys({ storageId: container.id })).toHaveLength(2)
    const [certificate] = await signer.listCertificates({ storageId: container.id })
    const { cms } = await signer.signCms({ data: new Uint8Array([1, 2, 3]), certificateId: certificate!.id })
    expect((await verifyCms(cms)).valid).toBe(true)
  })
})
