/**
 * RFC 5280 path validation on OpenSSL-made chains, each verdict checked against
 * `openssl verify -x509_strict` (the independent implementation): pathLenConstraint with a
 * self-issued key-rollover certificate (§6.1.4(l), issue 14 defect 4), name constraints in
 * intermediates and anchors (§4.2.1.10), anchor checks (RFC 5937) and certificate policies
 * (§6.1.3(d)–(f), requiredPolicies).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QoltanbaError } from '../../src/core/errors.ts'
import { parseCertificate } from '../../src/verifier/certificate.ts'
import { validatePath, type PathValidationInput } from '../../src/verifier/path-validation.ts'
import { caExtensions, leafExtensions, OpensslChain, type MadeCert } from './helpers/openssl-chain.ts'

let chain: OpensslChain
beforeAll(() => {
  chain = new OpensslChain()
})
afterAll(() => chain?.dispose())

type Options = Partial<Pick<PathValidationInput, 'anchorChecks' | 'requiredPolicies'>>

/** Our verdict: 'ok' or the refusal code. */
async function ours(leaf: MadeCert, untrusted: MadeCert[], anchors: MadeCert[], opts: Options = {}): Promise<string> {
  try {
    await validatePath({ leaf: parseCertificate(leaf.der), intermediates: untrusted.map((c) => parseCertificate(c.der)), anchors: anchors.map((c) => parseCertificate(c.der)), now: new Date(), ...opts })
    return 'ok'
  } catch (e) {
    if (e instanceof QoltanbaError) return e.code
    throw e
  }
}

describe('pathLenConstraint and self-issued certificates (§6.1.4(l))', () => {
  /** root(pathlen) → CA (old key) → CA (new key, self-issued rollover) → leaf. */
  function rollover(rootPathLen: number) {
    const root = chain.make(`rollover-root-${rootPathLen}`, { subject: '/CN=Rollover Root', extensions: caExtensions([], rootPathLen) })
    const caOld = chain.make(`rollover-ca-old-${rootPathLen}`, { subject: '/CN=Rollover CA', issuer: root, extensions: caExtensions() })
    const caNew = chain.make(`rollover-ca-new-${rootPathLen}`, { subject: '/CN=Rollover CA', issuer: caOld, extensions: caExtensions() })
    const leaf = chain.make(`rollover-leaf-${rootPathLen}`, { subject: '/CN=Rollover Leaf', issuer: caNew, extensions: leafExtensions() })
    return { root, caOld, caNew, leaf }
  }

  it('accepts a key-rollover chain under pathLen 1: the self-issued new-key certificate does not count', async () => {
    const { root, caOld, caNew, leaf } = rollover(1)
    expect(chain.opensslAccepts(leaf, [caOld, caNew], [root])).toBe(true)
    expect(await ours(leaf, [caOld, caNew], [root])).toBe('ok')
  })

  it('refuses the same chain under pathLen 0 (the old-key CA certificate does count)', async () => {
    const { root, caOld, caNew, leaf } = rollover(0)
    expect(chain.opensslAccepts(leaf, [caOld, caNew], [root])).toBe(false)
    expect(await ours(leaf, [caOld, caNew], [root])).toBe('ERR_PATH_LEN')
  })

  it('refuses two distinct intermediates under pathLen 1', async () => {
    const root = chain.make('pl-root', { subject: '/CN=PL Root', extensions: caExtensions([], 1) })
    const ca1 = chain.make('pl-ca1', { subject: '/CN=PL CA 1', issuer: root, extensions: caExtensions() })
    const ca2 = chain.make('pl-ca2', { subject: '/CN=PL CA 2', issuer: ca1, extensions: caExtensions() })
    const leaf = chain.make('pl-leaf', { subject: '/CN=PL Leaf', issuer: ca2, extensions: leafExtensions() })
    expect(chain.opensslAccepts(leaf, [ca1, ca2], [root])).toBe(false)
    expect(await ours(leaf, [ca1, ca2], [root])).toBe('ERR_PATH_LEN')
  })
})

describe('name constraints (§4.2.1.10)', () => {
  let root: MadeCert, ca: MadeCert
  beforeAll(() => {
    root = chain.make('nc-root', { subject: '/C=KZ/O=NC Test/CN=NC Root', extensions: caExtensions() })
    ca = chain.make('nc-ca', {
      subject: '/C=KZ/O=NC Test/CN=NC CA',
      issuer: root,
      extensions: caExtensions([
        'nameConstraints = critical,permitted;DNS:example.kz,permitted;email:example.kz,permitted;dirName:nc_dn,excluded;IP:10.0.0.0/255.0.0.0,excluded;DNS:bad.example.kz',
        '[nc_dn]',
        'C = KZ',
        'O = NC Test',
      ]),
    })
  })

  const cases: { name: string; subject: string; san?: string; verdict: string }[] = [
    { name: 'DNS and mailbox inside, subject under the permitted DN', subject: '/C=KZ/O=NC Test/CN=Good', san: 'DNS:www.example.kz,email:a@example.kz', verdict: 'ok' },
    { name: 'DNS outside the permitted subtree', subject: '/C=KZ/O=NC Test/CN=Dns', san: 'DNS:example.com', verdict: 'ERR_NAME_CONSTRAINTS' },
    { name: 'DNS in the excluded subtree', subject: '/C=KZ/O=NC Test/CN=Excl', san: 'DNS:x.bad.example.kz', verdict: 'ERR_NAME_CONSTRAINTS' },
    { name: 'a label that only ends like the permitted name', subject: '/C=KZ/O=NC Test/CN=Label', san: 'DNS:badexample.kz', verdict: 'ERR_NAME_CONSTRAINTS' },
    { name: 'mailbox outside the permitted host', subject: '/C=KZ/O=NC Test/CN=Mail', san: 'email:a@example.com', verdict: 'ERR_NAME_CONSTRAINTS' },
    { name: 'emailAddress in the subject outside the permitted host', subject: '/C=KZ/O=NC Test/CN=SubjMail/emailAddress=a@evil.kz', verdict: 'ERR_NAME_CONSTRAINTS' },
    { name: 'IP address in the excluded range', subject: '/C=KZ/O=NC Test/CN=Ip', san: 'IP:10.1.2.3', verdict: 'ERR_NAME_CONSTRAINTS' },
    { name: 'subject outside the permitted directory name', subject: '/C=KZ/O=Other/CN=Dn', verdict: 'ERR_NAME_CONSTRAINTS' },
  ]

  it.each(cases)('$name → $verdict, as OpenSSL decides', async ({ name, subject, san, verdict }) => {
    const id = `nc-leaf-${name.replace(/\W+/g, '-')}`
    const leaf = chain.make(id, { subject, issuer: ca, extensions: leafExtensions(san ? [`subjectAltName = ${san}`] : []) })
    expect(chain.opensslAccepts(leaf, [ca], [root])).toBe(verdict === 'ok')
    expect(await ours(leaf, [ca], [root])).toBe(verdict)
  })

  it('exempts a self-issued intermediate from its issuer’s constraints but not the leaf', async () => {
    const rootNc = chain.make('nc-si-root', { subject: '/CN=NC SI Root', extensions: caExtensions(['nameConstraints = critical,permitted;DNS:example.kz']) })
    const selfIssued = chain.make('nc-si-ca', { subject: '/CN=NC SI Root', issuer: rootNc, extensions: caExtensions(['subjectAltName = DNS:outside.com']) })
    const leaf = chain.make('nc-si-leaf', { subject: '/CN=NC SI Leaf', issuer: selfIssued, extensions: leafExtensions(['subjectAltName = DNS:in.example.kz']) })
    expect(chain.opensslAccepts(leaf, [selfIssued], [rootNc])).toBe(true)
    expect(await ours(leaf, [selfIssued], [rootNc])).toBe('ok')
  })

  it('applies the anchor’s constraints with anchorChecks (default), not without (RFC 5937)', async () => {
    const rootNc = chain.make('nc-anchor-root', { subject: '/CN=NC Anchor Root', extensions: caExtensions(['nameConstraints = critical,permitted;DNS:example.kz']) })
    const leaf = chain.make('nc-anchor-leaf', { subject: '/CN=NC Anchor Leaf', issuer: rootNc, extensions: leafExtensions(['subjectAltName = DNS:example.com']) })
    expect(chain.opensslAccepts(leaf, [], [rootNc])).toBe(false)
    expect(await ours(leaf, [], [rootNc])).toBe('ERR_NAME_CONSTRAINTS')
    expect(await ours(leaf, [], [rootNc], { anchorChecks: false })).toBe('ok')
  })
})

describe('anchor checks (RFC 5937)', () => {
  it('refuses an anchor that is not a CA unless anchorChecks is off', async () => {
    const notCa = chain.make('anchor-not-ca', {
      subject: '/CN=Not A CA Root',
      extensions: ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature', 'subjectKeyIdentifier = hash'],
    })
    const leaf = chain.make('anchor-not-ca-leaf', { subject: '/CN=Under Not A CA', issuer: notCa, extensions: leafExtensions() })
    expect(chain.opensslAccepts(leaf, [], [notCa])).toBe(false)
    expect(await ours(leaf, [], [notCa])).toBe('ERR_NOT_A_CA')
    expect(await ours(leaf, [], [notCa], { anchorChecks: false })).toBe('ok')
  })
})

describe('certificate policies (§6.1.3(d)–(f), requiredPolicies)', () => {
  const NCA_AUTH = '1.2.398.3.3.2.3'
  const NCA_SIGN = '1.2.398.3.3.2.1'
  const OTHER = '1.2.3.4.5'
  let root: MadeCert
  beforeAll(() => {
    root = chain.make('pol-root', { subject: '/CN=Policy Root', extensions: caExtensions() })
  })

  /** root → [upper CA →] CA → leaf; the policy extensions of each as given. */
  function path(upperLines: string[] | undefined, caLines: string[], leafPolicy: string | undefined, id: string) {
    const upper = upperLines && chain.make(`pol-upper-${id}`, { subject: `/CN=Policy Upper ${id}`, issuer: root, extensions: caExtensions(upperLines) })
    const ca = chain.make(`pol-ca-${id}`, { subject: `/CN=Policy CA ${id}`, issuer: upper ?? root, extensions: caExtensions(caLines) })
    const leaf = chain.make(`pol-leaf-${id}`, { subject: `/CN=Policy Leaf ${id}`, issuer: ca, extensions: leafExtensions(leafPolicy ? [`certificatePolicies = ${leafPolicy}`] : []) })
    return { untrusted: upper ? [upper, ca] : [ca], leaf }
  }

  const cases: { name: string; upper?: string[]; ca: string[]; leaf?: string; required?: string[]; verdict: string }[] = [
    { name: 'leaf under the required policy', ca: [`certificatePolicies = ${NCA_AUTH}`], leaf: NCA_AUTH, required: [NCA_AUTH], verdict: 'ok' },
    { name: 'leaf under another policy', ca: [`certificatePolicies = ${NCA_AUTH}`], leaf: NCA_SIGN, required: [NCA_AUTH], verdict: 'ERR_POLICY_REQUIRED' },
    { name: 'CA allows anyPolicy, leaf names the required one', ca: ['certificatePolicies = 2.5.29.32.0'], leaf: NCA_AUTH, required: [NCA_AUTH], verdict: 'ok' },
    { name: 'no policies at all, one required', ca: [], required: [NCA_AUTH], verdict: 'ERR_POLICY_REQUIRED' },
    { name: 'no policies, none required', ca: [], verdict: 'ok' },
    { name: 'CA maps the required policy onto the leaf’s', ca: [`certificatePolicies = ${NCA_AUTH}`, `policyMappings = ${NCA_AUTH}:${OTHER}`], leaf: OTHER, required: [NCA_AUTH], verdict: 'ok' },
    {
      name: 'mapping inhibited by the CA above',
      upper: [`certificatePolicies = ${NCA_AUTH}`, 'policyConstraints = critical,inhibitPolicyMapping:0'],
      ca: [`certificatePolicies = ${NCA_AUTH}`, `policyMappings = ${NCA_AUTH}:${OTHER}`],
      leaf: OTHER,
      required: [NCA_AUTH],
      verdict: 'ERR_POLICY_REQUIRED',
    },
    { name: 'requireExplicitPolicy and a leaf without policies', ca: [`certificatePolicies = ${NCA_AUTH}`, 'policyConstraints = critical,requireExplicitPolicy:0'], verdict: 'ERR_POLICY_REQUIRED' },
    { name: 'requireExplicitPolicy satisfied', ca: [`certificatePolicies = ${NCA_AUTH}`, 'policyConstraints = critical,requireExplicitPolicy:0'], leaf: NCA_AUTH, verdict: 'ok' },
    {
      name: 'inhibitAnyPolicy stops a leaf anyPolicy',
      ca: ['certificatePolicies = 2.5.29.32.0', 'inhibitAnyPolicy = critical,0'],
      leaf: '2.5.29.32.0',
      required: [NCA_AUTH],
      verdict: 'ERR_POLICY_REQUIRED',
    },
  ]

  it.each(cases)('$name → $verdict, as openssl verify -explicit_policy decides', async (c) => {
    const { untrusted, leaf } = path(c.upper, c.ca, c.leaf, c.name.replace(/\W+/g, '-'))
    // Without -policy OpenSSL starts from an empty user-initial-policy-set; RFC 5280's default
    // (and ours) is anyPolicy, so say so explicitly.
    const policyArgs = ['-policy_check', ...(c.required ? [...c.required.flatMap((p) => ['-policy', p]), '-explicit_policy'] : ['-policy', '2.5.29.32.0'])]
    expect(chain.opensslAccepts(leaf, untrusted, [root], policyArgs)).toBe(c.verdict === 'ok')
    expect(await ours(leaf, untrusted, [root], c.required ? { requiredPolicies: c.required } : {})).toBe(c.verdict)
  })
})
