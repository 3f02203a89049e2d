/**
 * Sign-in with a key file (.p12/.pfx) that is not kept: the file is opened in a throw-away
 * keystore database, its authentication certificate signs the server's challenge, and the
 * database is deleted at once, whatever happened. This is how an operator signs in on a kiosk
 * (docs/kiosk.md): the operator's key never joins the applicant's keystore, which a role switch
 * keeps while the applicant's keys wait for their certificates.
 */
import { useSessionStore } from '@/stores/session.ts'

/** Code of a thrown error (errors.<code>). */
function codeOf(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_') ? code : 'ERR_INTERNAL'
}

/** A random container password: the file's own password (possibly empty) is only for opening it. */
function randomSecret(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) => b.toString(16).padStart(2, '0')).join('')
}

export function useKeyFileSignIn() {
  const session = useSessionStore()

  /**
   * Opens `file` with `password` and signs in with its authentication certificate; true on
   * success. Failures land in the session store's `error` like every other sign-in path
   * (ERR_WRONG_PASSWORD, ERR_MALFORMED, ERR_NO_AUTH_CERTIFICATE, …).
   */
  async function signInWithKeyFile(file: File, password: string): Promise<boolean> {
    session.busy = true
    session.error = null
    session.errorDepth = null
    const { Keystore, KeystoreSigner, MAX_PKCS12_BYTES } = await import('@/keystore/index.ts')
    const keystore = new Keystore({ dbName: `qoltanba-signin-${crypto.randomUUID()}`, idleLockMs: 0 })
    try {
      // Refuse huge files before reading them into memory (the keystore names the limit).
      const bytes = file.size > MAX_PKCS12_BYTES ? new Uint8Array(MAX_PKCS12_BYTES + 1) : new Uint8Array(await file.arrayBuffer())
      const secret = randomSecret()
      const container = await keystore.importPkcs12(bytes, password, { fileName: file.name, containerPassword: secret })
      const certificate = container.certificates.find((c) => c.keyId && c.summary.purposes.includes('auth'))
      if (!certificate) {
        session.error = 'ERR_NO_AUTH_CERTIFICATE'
        session.busy = false
        return false
      }
      return await session.signIn({ signer: new KeystoreSigner(keystore), certificateId: certificate.id, storageId: container.id, secret })
    } catch (e) {
      session.error = codeOf(e)
      session.busy = false
      return false
    } finally {
      await keystore.destroy().catch(() => undefined)
    }
  }

  return { signInWithKeyFile }
}
