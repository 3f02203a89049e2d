/**
 * The CA root certificate the applicant saw when applying. Its SHA-256 is kept with the
 * application; at installation the root the server then presents must be the same one, so a
 * server (or a network in between) that changed roots cannot slip in another CA.
 */
import type { ApiClient } from './client.ts'

/** Lower-case hex SHA-256 of DER bytes. */
export async function sha256Hex(der: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der as Uint8Array<ArrayBuffer>))
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** SHA-256 of the server's root certificate, or undefined when it cannot be fetched now (offline). */
export async function rootFingerprint(client: ApiClient): Promise<string | undefined> {
  try {
    return await sha256Hex(await client.getCaCertificate('root'))
  } catch {
    return undefined
  }
}
