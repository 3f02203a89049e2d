/** Test material shared by the GOST tests: vendored vectors and the messages they were made from. */
import { readFileSync } from 'node:fs'
import { fromHex } from '../../../src/core/bytes.ts'

export const FIXTURES = new URL('../../fixtures/gost/', import.meta.url).pathname

/** msg(n): byte i = (7i + 3) mod 256, as test/fixtures/gost/openssl-engine/make.sh writes them. */
export function engineMessage(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (7 * i + 3) % 256)
}

export interface EngineVectors {
  digests: { length: number; gostR341194Test: string; streebog256: string; streebog512: string }[]
  signatures: { algorithm: 'gost2001' | 'gost2012_512'; spki: string; length: number; digest: string; signatureRfc: string }[]
}

export const engineVectors: EngineVectors = JSON.parse(readFileSync(`${FIXTURES}openssl-engine/vectors.json`, 'utf8'))

/** A vendored file, PEM or DER, as DER. */
export function fixtureDer(path: string): Uint8Array<ArrayBuffer> {
  const bytes = readFileSync(`${FIXTURES}${path}`)
  if (bytes[0] !== 0x2d) return new Uint8Array(bytes)
  return new Uint8Array(Buffer.from(bytes.toString('latin1').replace(/-----[^-]+-----|\s/g, ''), 'base64'))
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
export const unhex = fromHex
