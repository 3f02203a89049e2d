/**
 * Certificate sign-in from Node: what `qoltanba operator sign-in`, the tests and the bench use to
 * get a session the same way the PWA does (challenge → CMS signed with the authentication key →
 * login → session cookie). It reuses the PWA's own API client (src/api/auth-client.ts) over a
 * fetch that keeps cookies like a browser, so there is one client of the sign-in API, not two.
 */
import type { FastifyInstance } from 'fastify'
import { createAuthClient, type SessionView } from '../../src/api/auth-client.ts'
import { certificateMatchesKey } from '../../src/pki/certificate-info.ts'
import { signCms } from '../../src/pki/cms.ts'
import { ErrorCode, QoltanbaError } from '../../src/core/errors.ts'
import { readPkcs12 } from '../../src/pki/pkcs12/index.ts'
import { importPrivateKey, publicKeyOf } from '../../src/pki/private-key.ts'

/** A fetch with a cookie jar: Set-Cookie answers are kept (Max-Age=0 deletes) and sent back. */
export interface CookieFetch {
  readonly fetch: typeof fetch
  /** The jar as a Cookie header value ("name=value; …"). */
  cookieHeader(): string
}

export function withCookieJar(inner: typeof fetch): CookieFetch {
  const jar = new Map<string, string>()
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const jarFetch: typeof fetch = async (input, init = {}) => {
    const headers = new Headers(init.headers)
    if (jar.size) headers.set('cookie', cookieHeader())
    const response = await inner(input, { ...init, headers })
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      const name = pair.slice(0, eq).trim()
      const deleted = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a))
      if (deleted) jar.delete(name)
      else jar.set(name, pair.slice(eq + 1).trim())
    }
    return response
  }
  return { fetch: jarFetch, cookieHeader }
}

/** A fetch answered by `app.inject` (no socket), for in-process tests. */
export function injectFetch(app: FastifyInstance): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, 'http://inject.local')
    const headers: Record<string, string> = {}
    new Headers(init.headers).forEach((v, k) => (headers[k] = v))
    const r = await app.inject({
      method: (init.method ?? 'GET') as 'GET' | 'POST',
      url: `${url.pathname}${url.search}`,
      headers,
      ...(typeof init.body === 'string' ? { payload: init.body } : {}),
    })
    const out = new Headers()
    for (const [k, v] of Object.entries(r.headers)) {
      for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined) out.append(k, String(one))
    }
    return new Response(r.statusCode === 204 ? null : new Uint8Array(r.rawPayload), { status: r.statusCode, headers: out })
  }
}

export interface SignInWithKeyInput {
  /** The server's origin ('' with injectFetch). */
  readonly baseUrl: string
  readonly fetch: typeof fetch
  /** The authentication key (WebCrypto, usage 'sign'). */
  readonly privateKey: CryptoKey
  /** Its certificate and issuer chain (DER), embedded in the CMS. */
  readonly certificate: Uint8Array
  readonly chain?: readonly Uint8Array[]
}

export interface SignedInSession {
  readonly session: SessionView
  /** The Cookie header value that carries the session: send it with every later request. */
  readonly cookie: string
}

/** Signs in with a key and certificate; rejects with the server's refusal code (QoltanbaError). */
export async function signInWithKey(input: SignInWithKeyInput): Promise<SignedInSession> {
  const jar = withCookieJar(input.fetch)
  const client = createAuthClient({ baseUrl: input.baseUrl, fetch: jar.fetch })
  const challenge = await client.challenge()
  const cms = await signCms({ data: challenge.payload, privateKey: input.privateKey, certificate: input.certificate, chain: [...(input.chain ?? [])] })
  const session = await client.login(cms)
  return { session, cookie: jar.cookieHeader() }
}

/**
 * Signs in with the authentication key of a PKCS#12 file (e.g. the operator's file from
 * `qoltanba operator create`): the first key whose certificate holds its public key.
 */
export async function signInWithPkcs12(input: Omit<SignInWithKeyInput, 'privateKey' | 'certificate' | 'chain'> & {
  readonly p12: Uint8Array
  readonly password: string
}): Promise<SignedInSession> {
  const contents = await readPkcs12(input.p12, input.password)
  for (const key of contents.keys) {
    if (key.algorithm !== 'RSA' && key.algorithm !== 'EC') continue
    const { spki } = await publicKeyOf(key.pkcs8)
    const own = contents.certificates.find((c) => certificateMatchesKey(c.der, spki))
    if (!own) continue
    const chain = contents.certificates.filter((c) => c !== own).map((c) => c.der)
    const privateKey = await importPrivateKey(key.pkcs8, 'sign')
    return signInWithKey({ ...input, privateKey, certificate: own.der, chain })
  }
  throw new QoltanbaError(ErrorCode.NotFound, 'the PKCS#12 file holds no RSA or ECDSA key with its certificate')
}

