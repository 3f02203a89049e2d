/**
 * The agent's WebSocket endpoints on loopback: `wss://127.0.0.1:<tlsPort>/` with the locally
 * generated certificate, and `ws://127.0.0.1:<plainPort>/` for http://localhost development
 * pages. Framing is NCALayer's (greeting first, `--heartbeat--` echoed, one request at a time per
 * socket); the caller's origin comes from the `Origin` header and decides what it may call.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { ErrorCode, QoltanbaError } from '../src/core/errors.ts'
import { MAX_REQUEST_BYTES } from '../src/core/agent-protocol.ts'
import { handle, ModuleNotFound } from './handlers.ts'
import { PairingStore, type ShowPairingCode } from './pairing.ts'
import type { ModuleConfig } from './pkcs11/session.ts'
import { object, string } from './validate.ts'

/** Agent version reported in the greeting. */
const AGENT_VERSION = '0.1.0'

/** How to start the agent. */
export interface AgentOptions {
  readonly dataDir: string
  readonly modules: readonly ModuleConfig[]
  /** Port of the TLS endpoint (0: any free port; null: off). */
  readonly tlsPort?: number | null
  /** Port of the plain endpoint (0: any free port; null: off). */
  readonly plainPort?: number | null
  /** PEM certificate and key for the TLS endpoint (required when tlsPort is not null). */
  readonly tls?: { readonly cert: string; readonly key: string }
  readonly showPairingCode: ShowPairingCode
  /** One line per request (origin, method, outcome code); never arguments. */
  readonly log?: (line: string) => void
}

/** A running agent. */
export interface RunningAgent {
  readonly tlsUrl?: string
  readonly plainUrl?: string
  readonly pairing: PairingStore
  close(): Promise<void>
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Rejects DNS-rebinding requests: the Host header must name loopback. */
function hostIsLoopback(req: IncomingMessage): boolean {
  const host = req.headers.host ?? ''
  const name = host.replace(/:\d+$/, '').toLowerCase()
  return LOOPBACK_HOSTS.has(name)
}

function isLoopbackPeer(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? ''
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1'
}

/** Starts the endpoints; resolves once they listen. */
export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const pairing = new PairingStore(options.dataDir, options.showPairingCode)
  const log = options.log ?? (() => {})
  const servers: Server[] = []
  const sockets: WebSocketServer[] = []
  // Token operations are serialised across all connections (one PKCS#11 initialise at a time).
  let chain: Promise<unknown> = Promise.resolve()

  const attach = (server: Server): void => {
    const wss = new WebSocketServer({
      server,
      maxPayload: MAX_REQUEST_BYTES + 64 * 1024,
      verifyClient: ({ req }: { req: IncomingMessage }) => isLoopbackPeer(req) && hostIsLoopback(req),
    })
    wss.on('connection', (ws, req) => {
      const origin = typeof req.headers.origin === 'string' ? req.headers.origin : 'null'
      serveConnection(ws, origin)
    })
    sockets.push(wss)
  }

  const serveConnection = (ws: WebSocket, origin: string): void => {
    let busy = false
    const send = (o: object): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(o))
    }
    send({ result: { version: AGENT_VERSION, agent: 'qoltanba', paired: pairing.isApproved(origin) } })
    ws.on('message', (data, isBinary) => {
      if (!isBinary && data.toString() === '--heartbeat--') {
        ws.send('--heartbeat--')
        return
      }
      let uuid: string | undefined
      const fail = (e: unknown, label: string): void => {
        const err = e instanceof QoltanbaError ? e : new QoltanbaError(ErrorCode.Internal, 'Internal error')
        if (!(e instanceof QoltanbaError)) console.error('agent: unexpected failure in', label, e instanceof Error ? e.name : typeof e)
        log(`${origin} ${label} -> ${err.code}`)
        send({ status: false, code: err.code, message: err.message, data: err.details, ...(uuid ? { uuid } : {}) })
      }
      try {
        const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength
        if (size > MAX_REQUEST_BYTES) throw new QoltanbaError(ErrorCode.TooLarge, `Requests are limited to ${MAX_REQUEST_BYTES} bytes`)
        if (isBinary) throw new QoltanbaError(ErrorCode.Malformed, 'Binary frames are not accepted')
        let parsed: unknown
        try {
          parsed = JSON.parse(data.toString())
        } catch {
          throw new QoltanbaError(ErrorCode.Malformed, 'The request is not JSON')
        }
        const request = object(parsed, 'request')
        uuid = string(request, 'uuid', { max: 64, pattern: /^[\x21-\x7e]+$/, optional: true })
        const module = string(request, 'module', { max: 100, pattern: /^[A-Za-z0-9._-]+$/ })
        const method = string(request, 'method', { max: 100, pattern: /^[A-Za-z0-9_]+$/ })
        if (busy) throw new QoltanbaError(ErrorCode.AgentBusy, 'One request at a time per connection')
        busy = true
        const label = `${module}.${method}`
        const run = chain.then(() => handle(module, method, request.args, { origin, modules: options.modules, pairing, dataDir: options.dataDir }))
        chain = run.catch(() => {})
        run.then(
          (result) => {
            log(`${origin} ${label} -> ok`)
            send({ status: true, body: { result }, ...(uuid ? { uuid } : {}) })
          },
          (e: unknown) => {
            if (e instanceof ModuleNotFound) {
              log(`${origin} ${label} -> MODULE_NOT_FOUND`)
              send({ success: false, errorCode: 'MODULE_NOT_FOUND', ...(uuid ? { uuid } : {}) })
            } else fail(e, label)
          },
        ).finally(() => {
          busy = false
        })
      } catch (e) {
        fail(e, 'request')
      }
    })
  }

  const listen = (server: Server, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
    })

  let tlsUrl: string | undefined
  let plainUrl: string | undefined
  if (options.tlsPort !== null && options.tlsPort !== undefined) {
    if (!options.tls) throw new QoltanbaError(ErrorCode.Internal, 'The TLS endpoint needs a certificate')
    const server = createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, statusPage)
    attach(server)
    servers.push(server)
    tlsUrl = `wss://127.0.0.1:${await listen(server, options.tlsPort)}/`
  }
  if (options.plainPort !== null && options.plainPort !== undefined) {
    const server = createHttpServer(statusPage)
    attach(server)
    servers.push(server)
    plainUrl = `ws://127.0.0.1:${await listen(server, options.plainPort)}/`
  }

  return {
    tlsUrl,
    plainUrl,
    pairing,
    async close() {
      for (const wss of sockets) {
        for (const client of wss.clients) client.terminate()
        wss.close()
      }
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))))
    },
  }
}

/**
 * Plain HTTP(S) GET answers with a one-line page: opening https://127.0.0.1:<port>/ in a browser
 * is how a user checks (and, if needed, accepts) the agent's certificate (docs/protocols.md#when-an-agent-does-not-answer).
 */
function statusPage(_req: IncomingMessage, res: import('node:http').ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
  res.end(`Qoltanba agent ${AGENT_VERSION} is running.\n`)
}
