import { describe, expect, it } from 'vitest'
import { apiError, readApiResponse } from '../../src/api/api-response.ts'

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

const refusal = { error: { code: 'ERR_CERT_REVOKED', message: 'revoked', details: { depth: 1, subject: 'CN=CA', source: 'crl' } } }

describe('reading Registration Center answers', () => {
  it('returns the JSON of a successful answer', async () => {
    expect(await readApiResponse(json(200, { number: 'A-1' }))).toEqual({ number: 'A-1' })
  })

  it('rebuilds the server refusal with its status and only the details a client keeps', async () => {
    await expect(readApiResponse(json(401, refusal))).rejects.toMatchObject({ code: 'ERR_CERT_REVOKED', message: 'revoked', details: { status: 401 } })
    expect((await apiError(json(401, refusal), ['depth'])).details).toEqual({ status: 401, depth: 1 })
    expect((await apiError(json(401, refusal), 'all')).details).toEqual({ status: 401, depth: 1, subject: 'CN=CA', source: 'crl' })
  })

  it('keeps a code this build does not know as the server refusal it is (ERR_INTERNAL), not a network failure', async () => {
    expect(await apiError(json(409, { error: { code: 'ERR_FROM_A_NEWER_SERVER', message: 'new' } }))).toMatchObject({ code: 'ERR_INTERNAL', details: { status: 409 } })
  })

  it('calls anything without an API error ERR_NETWORK (a proxy page, an offline answer)', async () => {
    expect(await apiError(new Response('<html>Bad gateway</html>', { status: 502 }))).toMatchObject({ code: 'ERR_NETWORK', details: { status: 502 } })
    expect(await apiError(json(500, { error: { code: 'not a code' } }))).toMatchObject({ code: 'ERR_NETWORK' })
  })
})
