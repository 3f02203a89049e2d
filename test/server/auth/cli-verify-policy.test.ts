/**
 * `--require-policy` of `qoltanba verify-cms` / `verify-login`: a relying party that accepts only
 * certificates issued under given policies (NCA's 1.2.398.3.3.2.x) gets ERR_POLICY_REQUIRED for
 * any other signer certificate. OpenSSL-made certificates.
 */
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { OpensslPki, type CaDir, type IssuedCert } from '../../verifier/helpers/openssl-pki.ts'

const NCA_SIGN = '1.2.398.3.3.2.1'
const NCA_AUTH = '1.2.398.3.3.2.3'
let pki: OpensslPki
let root: CaDir
let signer: IssuedCert

beforeAll(() => {
  pki = new OpensslPki()
  root = pki.rootCa('policy-cli-root')
  signer = pki.issue(root, 'policy-cli-sign', {
    subject: '/CN=CLI/serialNumber=IIN870101300001/C=KZ',
    extensions: ['keyUsage = critical,digitalSignature,nonRepudiation', `certificatePolicies = ${NCA_SIGN}`],
    keyType: 'p256',
  })
})

afterAll(() => pki?.dispose())

const run = (argv: string[]) => runCli(argv)

describe('qoltanba verify-cms --require-policy', () => {
  let cms: string
  beforeAll(() => {
    cms = pki.path('policy.p7s')
    writeFileSync(cms, pki.cmsSign(signer, new TextEncoder().encode('Договор №3')))
  })
  const verify = (...extra: string[]) => run(['verify-cms', '--cms', cms, '--anchor', root.certPath, '--no-revocation', ...extra])

  it('accepts a signer certificate issued under the required policy', async () => {
    expect((await verify('--require-policy', NCA_SIGN)).code).toBe(0)
    expect((await verify('--require-policy', NCA_AUTH, '--require-policy', NCA_SIGN)).code).toBe(0)
  })

  it('refuses one issued under another policy with ERR_POLICY_REQUIRED', async () => {
    const r = await verify('--require-policy', NCA_AUTH)
    expect(r.code).toBe(1)
    expect(r.err).toMatch(/^REFUSED ERR_POLICY_REQUIRED/)
  })

  it('refuses a policy that is not an OID as a usage error', async () => {
    const r = await verify('--require-policy', 'nca-sign')
    expect(r.code).not.toBe(0)
    expect(r.err).toMatch(/--require-policy/)
  })
})
