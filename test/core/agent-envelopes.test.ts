/**
 * The reply shapes recorded in docs/protocols.md#reply-envelopes and docs/protocols.md#signing-with-basics, each turned into a
 * value or a typed error.
 */
import { describe, expect, it } from 'vitest'
import { normaliseSignatures, unwrapReply } from '../../src/core/agent-envelopes.ts'
import { fromBase64Text, toBase64 } from '../../src/core/bytes.ts'
import { isQoltanbaError } from '../../src/core/errors.ts'

function codeOf(reply: Record<string, unknown>): { code: string; details: object } {
  try {
    unwrapReply(reply)
  } catch (e) {
    if (isQoltanbaError(e)) return { code: e.code, details: e.details }
    throw e
  }
  throw new Error('expected a failure')
}

describe('unwrapReply', () => {
  it.each([
    ['basics success (1.4 array)', { status: true, body: { result: ['MIAG'] } }, ['MIAG']],
    ['basics success (older string)', { status: true, body: { result: 'MIAG' } }, 'MIAG'],
    ['commonUtils success', { code: '200', responseObject: ['AKKaztokenStore'], uuid: 'u' }, ['AKKaztokenStore']],
    ['changeLocale (200 without responseObject)', { code: '200' }, undefined],
    ['generic bundle success', { success: true, body: { result: { a: 1 } } }, { a: 1 }],
  ])('%s', (_name, reply, expected) => {
    expect(unwrapReply(reply as Record<string, unknown>)).toEqual(expected)
  })

  it.each([
    ['basics cancel', { status: true, body: {} }, 'ERR_USER_CANCELLED', {}],
    ['commonUtils cancel', { code: '500', message: 'action.canceled' }, 'ERR_USER_CANCELLED', {}],
    ['storage.empty', { code: '500', message: 'storage.empty' }, 'ERR_TOKEN_MISSING', { agentMessage: 'storage.empty' }],
    [
      'INVOCATION_ERROR',
      { status: false, code: 'INVOCATION_ERROR', message: 'An invoked method threw an exception.', details: 'org.json.JSONException: JSONObject["signingParams"] is not a JSONObject.' },
      'ERR_AGENT_PROTOCOL',
      { agentCode: 'INVOCATION_ERROR' },
    ],
    ['500 without message', { code: '500' }, 'ERR_AGENT_PROTOCOL', { agentCode: '500' }],
    [
      'argument type mismatch',
      { code: '500', message: 'java.lang.IllegalArgumentException: argument type mismatch. Method: getKeyInfo' },
      'ERR_AGENT_PROTOCOL',
      { agentCode: '500' },
    ],
    ['MODULE_NOT_FOUND', { success: false, errorCode: 'MODULE_NOT_FOUND' }, 'ERR_NOT_SUPPORTED', { agentCode: 'MODULE_NOT_FOUND' }],
    ['COMMON_JSON_WRAPPING_EXCEPTION', { success: false, code: 'COMMON_JSON_WRAPPING_EXCEPTION' }, 'ERR_AGENT_PROTOCOL', { agentCode: 'COMMON_JSON_WRAPPING_EXCEPTION' }],
    ['our agent: wrong PIN with attempts', { status: false, code: 'ERR_WRONG_PIN', message: 'Wrong PIN', data: { attemptsLeft: 1, pinCountLow: true } }, 'ERR_WRONG_PIN', { attemptsLeft: 1, pinCountLow: true }],
    ['unknown shape', { hello: 1 }, 'ERR_AGENT_PROTOCOL', {}],
  ])('%s', (_name, reply, code, details) => {
    const e = codeOf(reply as Record<string, unknown>)
    expect(e.code).toBe(code)
    expect(e.details).toMatchObject(details)
  })
})

describe('normaliseSignatures', () => {
  const der = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05])
  const b64 = toBase64(der)
  it.each([
    ['array', [b64]],
    ['string', b64],
    ['PEM armour', `-----BEGIN CMS-----\n${b64}\n-----END CMS-----\n`],
    ['array of PEM', [`-----BEGIN CMS-----\r\n${b64}\r\n-----END CMS-----`]],
    ['outputCert', { signatures: [b64], certificate: b64 }],
  ])('%s', (_name, result) => {
    expect(normaliseSignatures(result).signatures).toEqual([der])
  })

  it('rejects garbage with a typed error', () => {
    expect(() => normaliseSignatures(42)).toThrow(expect.objectContaining({ code: 'ERR_AGENT_PROTOCOL' }))
    expect(() => fromBase64Text('not*base64')).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }))
  })
})
