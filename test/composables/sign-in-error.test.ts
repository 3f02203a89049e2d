/**
 * The sign-in page's message for a refusal: a revocation answer about the CA's certificate
 * (details.depth > 0) must not tell the person their own certificate is revoked. The chain from
 * the server's error body to the store is tested against the real server in
 * test/server/auth/issuing-ca-revocation.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { signInErrorKey } from '@/composables/sign-in-error.ts'
import kk from '@/i18n/locales/kk.json'
import ru from '@/i18n/locales/ru.json'
import en from '@/i18n/locales/en.json'

type Tree = { [key: string]: string | Tree }
function lookup(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined
  return typeof node === 'string' ? node : undefined
}

describe('signInErrorKey', () => {
  it.each([
    ['ERR_CERT_REVOKED', 1, 'signin.ca_status.revoked'],
    ['ERR_CERT_ON_HOLD', 1, 'signin.ca_status.on_hold'],
    ['ERR_REVOCATION_UNKNOWN', 2, 'signin.ca_status.unknown'],
    // The person's own certificate, or no depth at all: the usual message.
    ['ERR_CERT_REVOKED', 0, 'errors.ERR_CERT_REVOKED'],
    ['ERR_CERT_REVOKED', null, 'errors.ERR_CERT_REVOKED'],
    ['ERR_CERT_ON_HOLD', undefined, 'errors.ERR_CERT_ON_HOLD'],
    ['ERR_REVOCATION_UNKNOWN', 0, 'errors.ERR_REVOCATION_UNKNOWN'],
    // Other refusals keep their message whatever the depth.
    ['ERR_CERT_EXPIRED', 1, 'errors.ERR_CERT_EXPIRED'],
    ['ERR_UNTRUSTED_CHAIN', 1, 'errors.ERR_UNTRUSTED_CHAIN'],
  ] as const)('%s at depth %s → %s', (code, depth, key) => {
    expect(signInErrorKey(code, depth)).toBe(key)
  })

  it.each([['kk', kk], ['ru', ru], ['en', en]] as const)('has its own %s text for each CA status, unlike the certificate’s own', (_locale, messages) => {
    for (const code of ['ERR_CERT_REVOKED', 'ERR_CERT_ON_HOLD', 'ERR_REVOCATION_UNKNOWN']) {
      const ca = lookup(messages as Tree, signInErrorKey(code, 1))
      const own = lookup(messages as Tree, signInErrorKey(code, 0))
      expect(ca, code).toBeTruthy()
      expect(own, code).toBeTruthy()
      expect(ca).not.toBe(own)
    }
  })
})
