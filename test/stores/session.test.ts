/**
 * The session store against a real sign-in server over HTTP (cookies kept like a browser does):
 * sign in with a signer, a "reload" (new store) still sees the session, a refused certificate
 * leaves the translated code, sign out ends it.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createAuthClient } from '@/api/auth-client.ts'
import type { Signer } from '@/core/signer.ts'
import { signCms } from '@/pki/cms.ts'
import { useSessionStore } from '@/stores/session.ts'
import { freePort } from '../verifier/helpers/ocsp-responder.ts'
import { buildSignInPki, type LeafName, type SignInPki } from '../verifier/helpers/signin-pki.ts'
import { startSignInServer, type SignInServer } from '../server/auth/sign-in-server.ts'
import { X509Certificate, createHash } from 'node:crypto'

let pki: SignInPki
let server: SignInServer
let baseUrl: string
const jar = new Map<string, string>()

/** fetch with a cookie jar (the test stands in for the browser). */
const browserFetch: typeof fetch = async (input, init = {}) => {
  const headers = new Headers(init.headers)
  if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
  const res = await fetch(input, { ...init, headers })
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';')
    const [name, value] = (pair as string).split('=') as [string, string]
    if (attrs.some((a) => a.trim() === 'Max-Age=0')) jar.delete(name)
    else jar.set(name, value)
  }
  return res
}

function signerFor(leaf: LeafName): Signer {
  const pem = readFileSync(pki.leaves[leaf].keyPath, 'utf8')
  return {
    async signCms(request: { data: Uint8Array }) {
      const key = await crypto.subtle.importKey('pkcs8', Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64'), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign'])
      return { cms: await signCms({ data: request.data, privateKey: key, certificate: pki.leaves[leaf].der, chain: [pki.ownIssuing.der] }) }
    },
  } as unknown as Signer
}

function freshStore() {
  setActivePinia(createPinia())
  const store = useSessionStore()
  store.useClient(createAuthClient({ baseUrl, fetch: browserFetch }))
  return store
}

beforeAll(async () => {
  pki = buildSignInPki(await freePort(), await freePort())
  server = await startSignInServer('pglite', pki, 'http://127.0.0.1')
  const url = await server.app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = url
  for (const leaf of ['rsa', 'expired'] as const) {
    const x = new X509Certificate(pki.leaves[leaf].der)
    await server.t.db
      .insertInto('certificates')
      .values({
        serial: x.serialNumber.toLowerCase(), application_number: null, purpose: 'auth', profile: 'individual', issuer: 'issuing', subject_dn: x.subject,
        iin: null, bin: null, not_before: new Date(x.validFrom), not_after: new Date(x.validTo), der: pki.leaves[leaf].der,
        spki_sha256: createHash('sha256').update(x.publicKey.export({ type: 'spki', format: 'der' })).digest('hex'),
      })
      .execute()
  }
})

afterAll(async () => {
  await server?.close()
  pki?.pki.dispose()
})

describe('session store', () => {
  it('reports a refused certificate by its code and stays signed out', async () => {
    const store = freshStore()
    expect(await store.signIn({ signer: signerFor('expired') })).toBe(false)
    expect(store.error).toBe('ERR_CERT_EXPIRED')
    expect(store.session).toBeNull()
  })

  it('signs in, survives a reload, and signs out', async () => {
    const store = freshStore()
    expect(await store.signIn({ signer: signerFor('rsa') })).toBe(true)
    expect(store.session).toMatchObject({ iin: '870101300001', role: 'holder' })

    const reloaded = freshStore()
    await reloaded.refresh()
    expect(reloaded.session?.iin).toBe('870101300001')

    await reloaded.signOut()
    const after = freshStore()
    await after.refresh()
    expect(after.session).toBeNull()
    expect(after.checked).toBe(true)
  })
})
