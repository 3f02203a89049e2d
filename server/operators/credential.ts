/**
 * Operator credentials: an operator account bound to an IIN plus a client-authentication
 * certificate and its key in a password-protected PKCS#12 file — what `qoltanba operator create`
 * and the first start of a development CA hand to an operator.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { EkuOid, PolicyOid } from '../../src/pki/oids.ts'
import type { Db, OperatorRole } from '../db/schema.ts'
import type { PersonRegistry } from '../registry/registry.ts'
import type { CertificateProfile } from '../profiles/types.ts'
import type { CertificateAuthority } from '../ca/authority.ts'
import { issueAndRecord } from '../ca/store.ts'
import { upsertOperator } from './accounts.ts'

/** NCA RK "Оператор НУЦ" authority OID (docs/kazakhstan-data.md#oids). */
export const NCA_OPERATOR_ROLE_OID = '1.2.398.3.3.4.2.3'

/** The operator certificate profile: authentication only, 1 year. */
export const OPERATOR_PROFILE: Pick<CertificateProfile, 'id' | 'certificates' | 'validityDays'> = {
  id: 'operator',
  certificates: {
    auth: {
      purpose: 'auth',
      keyUsage: { RSA: ['digitalSignature', 'keyEncipherment'], EC: ['digitalSignature'] },
      extKeyUsage: [EkuOid.clientAuth, NCA_OPERATOR_ROLE_OID],
      policies: [PolicyOid.individualAuth],
    },
    // Operators get no signing certificate; present only to satisfy the profile shape.
    sign: { purpose: 'sign', keyUsage: { RSA: ['digitalSignature'], EC: ['digitalSignature'] }, extKeyUsage: [EkuOid.clientAuth], policies: [] },
  },
  validityDays: { browser: 365, file: 365, token: 365 },
}

/** The demo operator a new development CA creates (a fictitious person from the demo registry). */
export const DEMO_OPERATOR = { iin: '920722400013', surname: 'СӘТБАЕВА', name: 'ӘЙГЕРІМ', patronymic: 'ҚАНАТҚЫЗЫ', role: 'admin' } as const

export interface OperatorCredentialInput {
  readonly iin: string
  readonly role?: OperatorRole
  /** Where to write the .p12 (mode 0600). */
  readonly out: string
  /** PKCS#12 password; a random one is generated (and written next to the file) when absent. */
  readonly password?: string
  readonly surname?: string
  readonly name?: string
  readonly patronymic?: string | null
  /** Audit actor, e.g. 'cli:alice' or 'system'. */
  readonly actor: string
}

export interface OperatorCredential {
  readonly iin: string
  readonly serialHex: string
  readonly p12Path: string
  /** Path of the generated password file (mode 0600), when the password was generated. */
  readonly passwordPath?: string
}

/** An operator's authentication certificate with its fresh key (plain PKCS#8: secret, handle with care). */
export interface OperatorCertificate {
  readonly iin: string
  readonly der: Buffer
  readonly serialHex: string
  readonly pkcs8: Uint8Array
}

/**
 * Creates (or updates) the operator account and issues its authentication certificate for a new
 * P-256 key. createOperatorCredential puts the result into a PKCS#12 file; tests sign in with it
 * directly.
 */
export async function issueOperatorCertificate(
  db: Db,
  ca: CertificateAuthority,
  registry: PersonRegistry | undefined,
  input: Omit<OperatorCredentialInput, 'out' | 'password'>,
): Promise<OperatorCertificate> {
  const op = await upsertOperator(db, registry, {
    iin: input.iin,
    role: input.role ?? 'operator',
    actor: input.actor,
    ...(input.surname !== undefined ? { surname: input.surname } : {}),
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.patronymic !== undefined ? { patronymic: input.patronymic } : {}),
  })
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  const issued = await db.transaction().execute((trx) =>
    issueAndRecord(
      trx,
      ca,
      {
        profile: OPERATOR_PROFILE,
        purpose: 'auth',
        csr: { publicKey: { spki } },
        subject: {
          commonName: `${op.surname} ${op.name}`.toUpperCase(),
          surname: op.surname.toUpperCase(),
          serialNumber: `IIN${op.iin}`,
          country: 'KZ',
          ...(op.patronymic ? { givenName: op.patronymic.toUpperCase() } : {}),
        },
      },
      { purpose: 'auth', actor: input.actor },
    ),
  )
  return { iin: op.iin, der: issued.der, serialHex: issued.serialHex, pkcs8: new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' })) }
}

/** Creates (or updates) the operator account, issues its certificate and writes the PKCS#12. */
export async function createOperatorCredential(
  db: Db,
  ca: CertificateAuthority,
  registry: PersonRegistry | undefined,
  input: OperatorCredentialInput,
): Promise<OperatorCredential> {
  const issued = await issueOperatorCertificate(db, ca, registry, input)
  const { writePkcs12 } = await import('../../src/pki/pkcs12/index.ts')
  const password = input.password ?? randomBytes(12).toString('base64url')
  const p12 = await writePkcs12({
    entries: [{
      pkcs8: issued.pkcs8,
      certificate: new Uint8Array(issued.der),
      chain: [new Uint8Array(ca.hierarchy.issuing.der), new Uint8Array(ca.hierarchy.root.der)],
      friendlyName: `operator ${issued.iin}`,
    }],
    password,
  })
  writeFileSync(input.out, p12, { mode: 0o600 })
  chmodSync(input.out, 0o600)
  let passwordPath: string | undefined
  if (input.password === undefined) {
    passwordPath = `${input.out}.password`
    writeFileSync(passwordPath, `${password}\n`, { mode: 0o600 })
    chmodSync(passwordPath, 0o600)
  }
  return { iin: issued.iin, serialHex: issued.serialHex, p12Path: input.out, ...(passwordPath ? { passwordPath } : {}) }
}

/**
 * The demo operator of a new development CA (npm start passes this to ensureCertificateAuthority
 * as `onCreated`): its PKCS#12 and password file go to DATA_DIR, and the log says where.
 */
export async function createDemoOperator(db: Db, ca: CertificateAuthority, dataDir: string, log: (line: string) => void): Promise<void> {
  const cred = await createOperatorCredential(db, ca, undefined, { ...DEMO_OPERATOR, out: join(dataDir, 'demo-operator.p12'), actor: 'system' })
  log(`   Demo operator (IIN ${cred.iin}, ${DEMO_OPERATOR.surname} ${DEMO_OPERATOR.name}): certificate and key in ${cred.p12Path}`)
  log(`   its PKCS#12 password is in ${cred.passwordPath ?? '(given)'} (mode 0600). Import the file in the app to sign in to the operator console,`)
  log(`   or from a script: qoltanba operator sign-in --p12 ${cred.p12Path}${cred.passwordPath ? ` --password-file ${cred.passwordPath}` : ''}`)
  log('')
}
