/**
 * Certificate sign-in as one service, shared by the login route and the bench: take the
 * challenge (single use), verify the CMS (signature, path, purpose, status), then create the
 * session and its audit row. The database steps use group commit (server/db/group-batch.ts):
 * under load, concurrent sign-ins share one DELETE of challenges, one status SELECT and one
 * transaction for roles + sessions + audit rows, instead of a handful of statements each.
 */
import { createHash } from 'node:crypto'
import { isQoltanbaError } from '../../src/core/errors.ts'
import { parseLoginPayload, parseSignedData, verifyLoginCms, type LoginVerification, type ParsedSignedData } from '../../src/verifier/index.ts'
import { LoginErrorCode } from '../../src/verifier/errors.ts'
import { recordAudit, recordAudits, type AuditEntryInput } from '../audit/audit.ts'
import { groupBatch } from '../db/group-batch.ts'
import type { Db } from '../db/schema.ts'
import { ApiError } from '../errors.ts'
import type { MailConfig } from '../mail/config.ts'
import { enqueueNewDeviceSignIns, newDeviceMailOn } from '../mail/new-device.ts'
import { challengeConsumer } from './challenges.ts'
import type { AuthSession, SessionRole } from './schema.ts'
import { createSessions, type NewSessionInput, type SessionPolicy } from './sessions.ts'
import type { SignInSetup } from './sign-in-setup.ts'

/** What the client sent and which browser it came from. */
export interface SignInRequest {
  /** Base64 DER or PEM text of the CMS. */
  readonly cms: string | Uint8Array
  /** The signed bytes, for a detached CMS. */
  readonly payload?: Uint8Array
  /** The pre-login cookie value the challenge was bound to. */
  readonly preloginId: string | undefined
  /** The browser's User-Agent, kept with the session so the cabinet can name the device. */
  readonly userAgent?: string | undefined
}

export interface SignedIn {
  /** The new session cookie value (shown once, never stored). */
  readonly id: string
  readonly session: AuthSession
  readonly verification: LoginVerification
}

export interface LoginService {
  /** Verifies and signs in; rejects with an ApiError carrying the refusal's code. */
  signIn(request: SignInRequest, now: Date): Promise<SignedIn>
  /**
   * The same decisive check as `signIn` (signature, path, purpose, status, an IIN to sign in as)
   * over a challenge the caller holds, without taking it and without a session: a phone's
   * hand-off answer is refused at once, on the phone, for what would refuse the sign-in later.
   */
  check(cms: string | Uint8Array, expectedPayload: Uint8Array, now: Date): Promise<LoginVerification>
}

/** Login refusals are 401 except malformed input (400). */
function refusal(e: unknown): unknown {
  if (!isQoltanbaError(e)) return e
  return new ApiError(e.code === LoginErrorCode.Malformed ? 400 : 401, e.code, e.message, e.details)
}

interface SessionWrite {
  readonly identity: Omit<NewSessionInput, 'role'>
  readonly audit: Omit<AuditEntryInput, 'actor'> & { readonly after: Record<string, unknown> }
  readonly now: Date
}

export interface LoginServiceOptions {
  readonly db: Db
  /** Trust and revocation (built lazily: our CA may load after start). */
  readonly setup: () => Promise<SignInSetup>
  readonly policy: SessionPolicy
  /** The relying party's own origin; payloads issued for another are refused. */
  readonly origin: string
  /** Mail settings: with MAIL_NEW_DEVICE_SIGNIN on, a sign-in from a new device queues a message (server/mail/new-device.ts). */
  readonly mail?: MailConfig | undefined
}

export function createLoginService(opts: LoginServiceOptions): LoginService {
  const { db, policy } = opts
  const consume = challengeConsumer(db)
  const newDeviceMail = newDeviceMailOn(opts.mail)

  // Roles are read in the transaction that creates the sessions, so an operator deactivated
  // before the commit signs in as a holder, never as an operator.
  const commit = groupBatch(async (writes: readonly SessionWrite[]) =>
    db.transaction().execute(async (trx) => {
      const iins = [...new Set(writes.map((w) => w.identity.iin))]
      const operators = await trx.selectFrom('operators').select(['iin', 'role', 'active']).where('iin', 'in', iins).execute()
      const roleOf = new Map(operators.filter((o) => o.active).map((o) => [o.iin, o.role as SessionRole]))
      const roles = writes.map((w) => roleOf.get(w.identity.iin) ?? 'holder')
      // Before the new sessions exist: a device is new when no earlier session of the person had it.
      if (newDeviceMail) await enqueueNewDeviceSignIns(trx, writes.map((w) => ({ iin: w.identity.iin, userAgent: w.identity.userAgent ?? null, at: w.now })))
      const created = await createSessions(trx, writes.map((w, i) => ({ input: { ...w.identity, role: roles[i]! }, now: w.now })), policy)
      await recordAudits(
        trx,
        writes.map((w, i) => ({
          ...w.audit,
          actor: roles[i] === 'holder' ? `person:${w.identity.iin}` : `operator:${w.identity.iin}`,
          after: { role: roles[i], ...w.audit.after },
        })),
      )
      return created
    }),
  )

  /** Verifies the CMS over `expected` (refusals audited), and that it names a person to sign in as. */
  async function verify(cms: string | Uint8Array, parsed: ParsedSignedData, expected: Uint8Array, now: Date): Promise<LoginVerification & { readonly iin: string }> {
    let result: LoginVerification
    try {
      const setup = await opts.setup()
      result = await verifyLoginCms({
        cms,
        parsed,
        expectedPayload: expected,
        expectedOrigin: opts.origin,
        trustAnchors: setup.trust,
        revocation: setup.revocation,
        signatureVerifier: setup.signatureVerifier,
        now,
      })
    } catch (e) {
      if (isQoltanbaError(e)) {
        await recordAudit(db, {
          actor: 'anonymous',
          action: 'auth.login_refused',
          entityType: 'certificate',
          entityId: parsed.signer.serialHex,
          after: { code: e.code, subject: parsed.signer.subjectDn },
        })
      }
      throw refusal(e)
    }
    const iin = result.iin
    if (!iin) throw new ApiError(403, LoginErrorCode.AccountUnknown, 'the certificate names no IIN (SERIALNUMBER "IIN…")')
    return { ...result, iin }
  }

  const parse = (cms: string | Uint8Array): ParsedSignedData => {
    try {
      return parseSignedData(cms)
    } catch (e) {
      throw refusal(e)
    }
  }

  return {
    async check(cms, expectedPayload, now) {
      return verify(cms, parse(cms), expectedPayload, now)
    },

    async signIn(request, now) {
      const parsed = parse(request.cms)
      let nonce: string | undefined
      try {
        const content = parsed.content ?? request.payload
        if (content) nonce = parseLoginPayload(content).nonce
      } catch (e) {
        throw refusal(e)
      }
      const expected = await consume(request.preloginId, nonce, now)
      const result = await verify(request.cms, parsed, expected, now)
      const { id, session } = await commit({
        identity: {
          iin: result.iin,
          bin: result.bin ?? null,
          subjectDn: result.certificate.subject,
          certificateSerial: result.certificate.serialNumber,
          certificateIssuer: result.certificate.issuer,
          certificateSha256: createHash('sha256').update(result.certificate.der).digest('base64url'),
          userAgent: request.userAgent ?? null,
        },
        audit: {
          action: 'auth.login',
          entityType: 'certificate',
          entityId: result.certificate.serialNumber,
          after: { bin: result.bin ?? null, issuer: result.certificate.issuer, revocation: result.revocation.source },
        },
        now,
      })
      return { id, session, verification: result }
    },
  }
}
