/**
 * A stand-in for NCALayer (a test double of a program we cannot run here). It answers with the
 * message shapes recorded in docs/protocols.md#ncalayer, and only those:
 * - greeting `{"result":{"version":"1.4"}}` on open (docs/protocols.md#endpoint-and-framing);
 * - `--heartbeat--` echoed, and optionally sent before a reply (docs/protocols.md#endpoint-and-framing);
 * - `kz.gov.pki.knca.basics` → `sign` in the CommonInvoker envelope: success
 *   `{"status":true,"body":{"result":[…]}}` (1.4), a bare string (older), PEM-armoured CMS,
 *   `{signatures, certificate}` (outputCert); cancel `{"status":true,"body":{}}`; a non-object
 *   `signingParams` → `INVOCATION_ERROR` with the recorded JSONException details (docs/protocols.md#signing-with-basics);
 * - `kz.gov.pki.knca.commonUtils` (positional args, `uuid` echoed, `code` a string):
 *   `getActiveTokens`, `getKeyInfo`, `createCAdESFromBase64`; `action.canceled`, `storage.empty`,
 *   the reflection "argument type mismatch" and `NoSuchMethodException` messages (docs/protocols.md#legacy-commonutils);
 * - an unknown (or switched-off) module → `{"success":false,"errorCode":"MODULE_NOT_FOUND"}` (docs/protocols.md#reply-envelopes).
 * One request at a time per socket, as NCALayer (docs/protocols.md#endpoint-and-framing). Plain ws on loopback: TLS
 * is the transport's concern, not the protocol's, and the wss path is covered by our agent's tests.
 *
 * The CMS it returns is made by OpenSSL over the bytes it received, so tests can check that what
 * the page sent is what got signed.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'

/** What the "user" does in NCALayer's window for the next signing request. */
export type UserAction = 'sign' | 'cancel' | 'hang' | 'close'

/** Shape of `body.result` for basics.sign (docs/protocols.md#signing-with-basics). */
export type ResultShape = 'array' | 'string' | 'pem' | 'outputCert'

/** Stand-in behaviour, changeable between requests. */
export interface StandinOptions {
  /** Greeting version; null sends no greeting (KAZTOKEN/mocks, docs/protocols.md#endpoint-and-framing). */
  greetingVersion: string | null
  /** Whether `kz.gov.pki.knca.basics` is installed (old NCALayer: no). */
  basicsInstalled: boolean
  resultShape: ResultShape
  /** Storage types with a token present (`getActiveTokens`). */
  activeTokens: string[]
  /** Heartbeat frames sent before each reply. */
  heartbeatsBeforeReply: number
  /** The WebSocket handshake waits for this (to model a pending local-network prompt). */
  handshakeGate?: Promise<void>
}

/** A running stand-in. */
export interface NcaLayerStandin {
  readonly url: string
  readonly options: StandinOptions
  /** Every JSON request received, in order. */
  readonly requests: Array<Record<string, unknown>>
  /** Actions for the next signing requests; 'sign' when empty. */
  readonly userActions: UserAction[]
  /** Connections accepted so far. */
  connections: number
  /** Set when a request arrived while another was pending on the same socket. */
  overlapped: boolean
  /** CA certificate (PEM) of the signer certificate OpenSSL signs with. */
  readonly caPem: string
  close(): Promise<void>
}

function keyInfo(certPem: string): Record<string, string> {
  // Field names of types/KeyInfo.java (docs/protocols.md#legacy-commonutils); dates as epoch ms strings (2018 source).
  return {
    alias: 'c7a3b2d1e0f9',
    keyId: 'c7a3b2d1e0f9',
    algorithm: 'RSA',
    subjectCn: 'ТЕСТОВ ТЕСТ',
    subjectDn: 'SERIALNUMBER=IIN840317000029, CN=ТЕСТОВ ТЕСТ, C=KZ',
    issuerCn: 'Test CA',
    issuerDn: 'CN=Test CA',
    serialNumber: '1a2b3c',
    certNotAfter: '1893456000000',
    certNotBefore: '1700000000000',
    authorityKeyIdentifier: '',
    pem: certPem,
  }
}

let materialDir: string | undefined

/**
 * A test CA and an RSA signer certificate (IIN subject, emailProtection EKU) made by OpenSSL,
 * once per test process; removed when the process exits.
 */
function signerMaterial(): string {
  if (materialDir) return materialDir
  const dir = mkdtempSync(join(tmpdir(), 'ncalayer-standin-'))
  const ossl = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
  ossl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Test CA', '-days', '2'])
  ossl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'user.key', '-out', 'user.csr', '-subj', '/CN=TEST/serialNumber=IIN840317000029/C=KZ'])
  writeFileSync(join(dir, 'ext.cnf'), 'extendedKeyUsage=emailProtection\nkeyUsage=critical,digitalSignature,nonRepudiation\n')
  ossl(['x509', '-req', '-in', 'user.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'ext.cnf', '-out', 'user.pem'])
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  materialDir = dir
  return dir
}

/** Starts the stand-in on 127.0.0.1 with a free port. */
export async function startNcaLayerStandin(overrides: Partial<StandinOptions> = {}): Promise<NcaLayerStandin> {
  const dir = signerMaterial()
  const ossl = (args: string[], input?: Buffer): Buffer => execFileSync('openssl', args, { cwd: dir, input, stdio: ['pipe', 'pipe', 'pipe'] })
  const userPem = readFileSync(join(dir, 'user.pem'), 'utf8')
  const sign = (data: Buffer, attached: boolean): string => {
    const args = ['cms', '-sign', '-binary', '-signer', 'user.pem', '-inkey', 'user.key', '-outform', 'DER']
    if (attached) args.push('-nodetach')
    return ossl(args, data).toString('base64')
  }

  const options: StandinOptions = {
    greetingVersion: '1.4',
    basicsInstalled: true,
    resultShape: 'array',
    activeTokens: ['AKKaztokenStore'],
    heartbeatsBeforeReply: 0,
    ...overrides,
  }
  const server: Server = createServer()
  const wss = new WebSocketServer({
    server,
    verifyClient: (_info, done) => {
      if (!options.handshakeGate) return done(true)
      void options.handshakeGate.then(() => done(true))
    },
  })
  const standin: NcaLayerStandin = {
    url: '',
    options,
    requests: [],
    userActions: [],
    connections: 0,
    overlapped: false,
    caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    async close() {
      for (const c of wss.clients) c.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }

  wss.on('connection', (ws: WebSocket) => {
    standin.connections++
    let pending = false
    if (options.greetingVersion !== null) ws.send(JSON.stringify({ result: { version: options.greetingVersion } }))
    ws.on('message', (raw) => {
      const text = raw.toString()
      if (text === '--heartbeat--') {
        ws.send('--heartbeat--')
        return
      }
      const request = JSON.parse(text) as Record<string, unknown>
      standin.requests.push(request)
      if (pending) standin.overlapped = true
      pending = true
      const reply = (o: object | null): void => {
        pending = false
        if (o === null) return
        for (let i = 0; i < options.heartbeatsBeforeReply; i++) ws.send('--heartbeat--')
        ws.send(JSON.stringify(o))
      }
      const action = (): UserAction => standin.userActions.shift() ?? 'sign'
      const module = request.module
      if (module === 'kz.gov.pki.knca.basics' && options.basicsInstalled) {
        reply(basics(request, action, ws))
      } else if (module === 'kz.gov.pki.knca.commonUtils') {
        const r = commonUtils(request, action, ws)
        reply(r && (typeof request.uuid === 'string' ? { ...r, uuid: request.uuid } : r))
      } else {
        reply({ success: false, errorCode: 'MODULE_NOT_FOUND' })
      }
    })
  })

  function userOutcome(act: UserAction, ws: WebSocket): 'go' | 'cancel' | 'none' {
    if (act === 'hang') return 'none'
    if (act === 'close') {
      ws.close()
      return 'none'
    }
    return act === 'cancel' ? 'cancel' : 'go'
  }

  function basics(request: Record<string, unknown>, action: () => UserAction, ws: WebSocket): object | null {
    const args = request.args as Record<string, unknown>
    if (request.method !== 'sign') {
      return { status: false, code: 'GENERAL_ERROR', message: 'General error.' }
    }
    if (typeof args?.signingParams !== 'object' || args.signingParams === null) {
      return {
        status: false,
        code: 'INVOCATION_ERROR',
        message: 'An invoked method threw an exception.',
        details: 'org.json.JSONException: JSONObject["signingParams"] is not a JSONObject.',
      }
    }
    const outcome = userOutcome(action(), ws)
    if (outcome === 'none') return null
    if (outcome === 'cancel') return { status: true, body: {} }
    const sp = args.signingParams as Record<string, unknown>
    // org.json optBoolean: real booleans (strings "true"/"false" too, but we send booleans).
    const decode = sp.decode === true || sp.decode === 'true'
    const attached = !(sp.encapsulate === false || sp.encapsulate === 'false')
    const docs = Array.isArray(args.data) ? args.data : [args.data]
    const cms = docs.map((d) => sign(decode ? Buffer.from(String(d), 'base64') : Buffer.from(String(d), 'utf8'), attached))
    switch (options.resultShape) {
      case 'string':
        return { status: true, body: { result: cms[0] } }
      case 'pem':
        return { status: true, body: { result: cms.map((c) => `-----BEGIN CMS-----\n${c.replace(/.{64}/g, '$&\n')}\n-----END CMS-----\n`) } }
      case 'outputCert':
        return { status: true, body: { result: { signatures: cms, certificate: userPem.replace(/-----[^-]+-----|\s/g, '') } } }
      default:
        return { status: true, body: { result: cms } }
    }
  }

  function commonUtils(request: Record<string, unknown>, action: () => UserAction, ws: WebSocket): object | null {
    const args = Array.isArray(request.args) ? request.args : []
    const method = String(request.method)
    const storageOk = (s: unknown): boolean => s === 'PKCS12' || options.activeTokens.includes(String(s))
    switch (method) {
      case 'getActiveTokens':
        return { code: '200', responseObject: options.activeTokens }
      case 'getKeyInfo': {
        if (args.length !== 1) return { code: '500', message: `NoSuchMethodException ${method}` }
        if (typeof args[0] !== 'string') return { code: '500', message: `java.lang.IllegalArgumentException: argument type mismatch. Method: ${method}` }
        if (!storageOk(args[0])) return { code: '500', message: 'storage.empty' }
        const outcome = userOutcome(action(), ws)
        if (outcome === 'none') return null
        if (outcome === 'cancel') return { code: '500', message: 'action.canceled' }
        return { code: '200', responseObject: keyInfo(userPem) }
      }
      case 'createCAdESFromBase64': {
        if (args.length !== 4) return { code: '500', message: `NoSuchMethodException ${method}` }
        const [storage, , data, attached] = args
        if (typeof data !== 'string' || typeof attached !== 'boolean') {
          return { code: '500', message: `java.lang.IllegalArgumentException: argument type mismatch. Method: ${method}` }
        }
        if (!storageOk(storage)) return { code: '500', message: 'storage.empty' }
        const outcome = userOutcome(action(), ws)
        if (outcome === 'none') return null
        if (outcome === 'cancel') return { code: '500', message: 'action.canceled' }
        return { code: '200', responseObject: sign(Buffer.from(data, 'base64'), attached) }
      }
      default:
        return { code: '500', message: `NoSuchMethodException ${method}` }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  Object.assign(standin, { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/` })
  return standin
}
