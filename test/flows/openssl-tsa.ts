/** Test helper: OpenSSL's TSA (`openssl ts -reply`) behind a local HTTP server on port 0. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { OpenSsl } from '../pki/openssl.ts'

export interface OpensslTsa {
  /** http://127.0.0.1:<port>/tsp */
  readonly url: string
  /** PEM path of the TSA certificate (self-signed, critical timeStamping EKU). */
  readonly certificate: string
  close(): Promise<void>
}

/** Starts a TSA in `ossl`'s folder. */
export async function startOpensslTsa(ossl: OpenSsl): Promise<OpensslTsa> {
  ossl.run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.pem',
    '-days', '30', '-subj', '/C=KZ/CN=Test TSA', '-addext', 'extendedKeyUsage=critical,timeStamping'])
  ossl.write('tsaserial', '01\n')
  ossl.write('tsa.cnf', ['[ tsa ]', 'default_tsa = t', '[ t ]', `serial = ${ossl.path('tsaserial')}`, 'default_policy = 1.2.3.4',
    'digests = sha256, sha384', 'ess_cert_id_alg = sha256', 'signer_digest = sha256', ''].join('\n'))
  let count = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const n = ++count
      ossl.write(`tsa-q${n}.tsq`, Buffer.concat(chunks))
      ossl.run(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', `tsa-q${n}.tsq`, '-inkey', 'tsa.key', '-signer', 'tsa.pem', '-out', `tsa-r${n}.tsr`])
      res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(ossl.read(`tsa-r${n}.tsr`)))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsp`,
    certificate: ossl.path('tsa.pem'),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
