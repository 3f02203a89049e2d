/**
 * Request bodies for the upload routes (POST /api/v1/signatures/verify): multipart/form-data
 * built by hand, so a test decides exactly which parts are sent and in what order.
 */

/** One part: a file (sent as `<name>.bin`, application/octet-stream) or a plain field. */
export type MultipartPart = { readonly name: string; readonly file: Uint8Array } | { readonly name: string; readonly value: string }

/**
 * A multipart/form-data body and its content-type header, for Fastify's `inject`.
 *
 * @example
 * await app.inject({ method: 'POST', url: '/api/v1/signatures/verify', ...multipart([{ name: 'signature', file: cms }, { name: 'sha256', value: hex }]) })
 */
export function multipart(parts: readonly MultipartPart[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----qoltanba${Math.random().toString(16).slice(2)}`
  const chunks: Buffer[] = []
  for (const p of parts) {
    const disposition = 'file' in p ? `form-data; name="${p.name}"; filename="${p.name}.bin"\r\nContent-Type: application/octet-stream` : `form-data; name="${p.name}"`
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`), Buffer.from('file' in p ? p.file : p.value), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

