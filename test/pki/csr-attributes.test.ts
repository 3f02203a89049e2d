/**
 * CSR attributes a hostile client can send: parseCsr answers ERR_MALFORMED (never a TypeError)
 * for an extensionRequest with no value, two values, or twice over, and still reads a normal one.
 * The requests are OpenSSL-made and re-signed; OpenSSL confirms each self-signature is valid.
 */
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseCsr, verifyCsr } from '../../src/pki/csr.ts'
import { opensslCsr } from '../server/helpers/csr.ts'
import { extensionRequest, keyUsageExtensions, withAttributes } from './csr-rewrite.ts'

function opensslVerifies(der: Uint8Array): boolean {
  try {
    execFileSync('openssl', ['req', '-inform', 'DER', '-noout', '-verify'], { input: der, stdio: ['pipe', 'pipe', 'pipe'] })
    return true
  } catch {
    return false
  }
}

describe('parseCsr: the extensionRequest attribute', () => {
  const csr = opensslCsr('p256')

  it('reads one extensionRequest with one value', async () => {
    const der = withAttributes(csr.der, csr.keyPem, [extensionRequest([keyUsageExtensions()])])
    expect(opensslVerifies(der)).toBe(true)
    expect(await verifyCsr(der)).toBe(true)
    expect(parseCsr(der).extensions.keyUsage).toEqual(['digitalSignature'])
  })

  it.each([
    ['an empty value SET', () => [extensionRequest([])]],
    ['two values', () => [extensionRequest([keyUsageExtensions(), keyUsageExtensions()])]],
    ['two extensionRequest attributes', () => [extensionRequest([keyUsageExtensions()]), extensionRequest([keyUsageExtensions()])]],
  ])('refuses %s with ERR_MALFORMED', async (_name, attributes) => {
    const der = withAttributes(csr.der, csr.keyPem, attributes())
    expect(opensslVerifies(der)).toBe(true)
    expect(() => parseCsr(der)).toThrow(expect.objectContaining({ name: 'QoltanbaError', code: 'ERR_MALFORMED' }))
  })
})
