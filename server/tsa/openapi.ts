/** The timestamp authority (/tsp) in the OpenAPI document (`GET /api/docs`). */
import { errorResponse, type OpenApiFragment } from '../http/openapi.ts'

const reply = (description: string) => ({ description, content: { 'application/timestamp-reply': { schema: { type: 'string', contentEncoding: 'binary' } } } })

const certificate = (type: string, description: string) => ({
  get: {
    summary: `The TSA certificate (issued by the issuing CA, critical EKU timeStamping) ${description}; made on first use`,
    responses: { 200: { description: 'The certificate', content: { [type]: { schema: { type: 'string', ...(type === 'application/pkix-cert' ? { contentEncoding: 'binary' } : {}) } } } }, 503: errorResponse('ERR_CA_UNAVAILABLE') },
  },
})

export const tsaOpenApi: OpenApiFragment = {
  paths: {
    '/ca/tsa.crt': certificate('application/pkix-cert', 'in DER'),
    '/ca/tsa.pem': certificate('application/x-pem-file', 'in PEM'),
    '/tsp': {
      post: {
        summary: 'RFC 3161 timestamp authority: POST a DER TimeStampReq (SHA-256/384/512 imprint, optional nonce, certReq and reqPolicy; at most 4 KiB), get a TimeStampResp',
        description:
          'Every answer is a DER TimeStampResp. A token (status granted) is a CMS SignedData over TSTInfo signed by the TSA certificate (issued by the issuing CA, ' +
          'critical EKU timeStamping), with the configured policy (TSA_POLICY_OID) and accuracy (TSA_ACCURACY_MS), the request\u2019s nonce echoed and the TSA ' +
          'certificate included when certReq is true. Refusals are status rejection with failInfo: badAlg (SHA-1 or unknown hash), badDataFormat (not a DER ' +
          'TimeStampReq, wrong digest length), badRequest (wrong version, method, content type or size), unacceptedPolicy, unacceptedExtension, systemFailure.',
        requestBody: { required: true, content: { 'application/timestamp-query': { schema: { type: 'string', contentEncoding: 'binary' } } } },
        responses: {
          200: reply('A TimeStampResp: granted with a token, or rejection with failInfo for a request that is not acceptable'),
          413: reply('Rejection, badRequest: the body is larger than 4 KiB'),
          415: reply('Rejection, badRequest: the content type is not application/timestamp-query'),
          429: reply('Rejection: too many requests from this client (RATE_LIMIT_TSA per RATE_LIMIT_WINDOW_MS)'),
          503: reply('Rejection, systemFailure: the CA or the database is not available'),
        },
      },
      get: {
        summary: 'Not supported: RFC 3161 over HTTP is POST only',
        responses: { 405: reply('Rejection, badRequest (Allow: POST)') },
      },
    },
  },
}
