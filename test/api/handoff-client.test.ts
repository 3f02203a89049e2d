/**
 * The hand-off client against answers shaped like the server's (server/handoffs/routes.ts): the
 * requesting screen hears `failed` with the refusal's code from the event stream and from the
 * long-poll fallback; the phone's refusals arrive as their stable codes with the HTTP status.
 */
import { describe, expect, it } from 'vitest'
import { createHandoffClient, type Handoff } from '../../src/api/handoff-client.ts'

const handoff: Handoff = { id: 'A'.repeat(22), token: 'T'.repeat(43), code: '42', expiresAt: '2026-12-05T22:00:00Z', qr: 'x', deepLink: 'x' }
const link = { id: handoff.id, secret: 'S'.repeat(43) }

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
const events = (...views: object[]) =>
  new Response(views.map((v) => `event: state\ndata: ${JSON.stringify(v)}\n\n`).join(''), { status: 200, headers: { 'content-type': 'text/event-stream' } })

describe('handoff client', () => {
  it('passes the failure code with the state, from the event stream', async () => {
    const client = createHandoffClient({ fetch: async () => events({ state: 'waiting' }, { state: 'opened' }, { state: 'failed', failure: 'ERR_CERT_REVOKED' }) })
    const seen: Array<[string, string | undefined]> = []
    const final = await client.follow(handoff, (s, why) => seen.push([s, why]), new AbortController().signal)
    expect(final).toBe('failed')
    expect(seen).toEqual([['waiting', undefined], ['opened', undefined], ['failed', 'ERR_CERT_REVOKED']])
  })

  it('passes it from the long-poll when the stream cannot be opened', async () => {
    const urls: string[] = []
    const client = createHandoffClient({
      fetch: async (input) => {
        const url = String(input)
        urls.push(url)
        if (url.endsWith('/events')) throw new TypeError('network down')
        return json(200, url.endsWith('after=') ? { state: 'opened' } : { state: 'failed', failure: 'ERR_DOCUMENT_CHANGED' })
      },
    })
    const seen: Array<[string, string | undefined]> = []
    expect(await client.follow(handoff, (s, why) => seen.push([s, why]), new AbortController().signal)).toBe('failed')
    expect(seen).toEqual([['opened', undefined], ['failed', 'ERR_DOCUMENT_CHANGED']])
    expect(urls.slice(1).map((u) => u.replace(/^.*\?/, ''))).toEqual(['after=', 'after=opened'])
  })

  it.each([
    [404, 'ERR_HANDOFF_NOT_FOUND'],
    [409, 'ERR_HANDOFF_USED'],
    [410, 'ERR_HANDOFF_EXPIRED'],
    [429, 'ERR_RATE_LIMITED'],
  ])('the phone hears %i as %s, with the status', async (status, code) => {
    const client = createHandoffClient({ fetch: async () => json(status, { error: { code, message: 'refused' } }) })
    await expect(client.open(link)).rejects.toMatchObject({ code, details: { status } })
  })

  it('a refusal of the answer keeps its verdict code (ERR_CERT_REVOKED, 401)', async () => {
    const client = createHandoffClient({ fetch: async () => json(401, { error: { code: 'ERR_CERT_REVOKED', message: 'revoked' } }) })
    await expect(client.answerSignIn(link, new Uint8Array([48, 0]))).rejects.toMatchObject({ code: 'ERR_CERT_REVOKED', details: { status: 401 } })
  })
})
