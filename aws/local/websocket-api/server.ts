/**
 * A local API Gateway WebSocket API on 127.0.0.1: `ws://127.0.0.1:{port}/{stage}` for clients, and the
 * same port's `/{stage}/@connections/{id}` for the management API that
 * `@aws-sdk/client-apigatewaymanagementapi` drives (its endpoint `http://127.0.0.1:{port}/{stage}`).
 *
 * What it does, as API Gateway does (AWS docs, apigateway/latest/developerguide/):
 * - The upgrade (`GET /{stage}`) is IAM-authorized: a SigV4 signature for `execute-api` in the region,
 *   verified for real (../sigv4/verify.ts), and `execute-api:Invoke` on the route ARN
 *   `arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/$connect` in the caller's policy
 *   (apigateway-websocket-control-access-iam.html). Refused → HTTP 403, no connection. Then the
 *   `$connect` route's function runs; a non-2xx result or a failure refuses the connection.
 * - Each message is routed by `$request.body.action` (route selection expression) to its route's
 *   function, one invocation per message, concurrently; none matching and no `$default` route, or a
 *   failing integration, gets API Gateway's `{"message", "connectionId", "requestId"}` notice.
 *   The integration waits at most 29 s (integration timeout); the function runs on after that.
 * - Limits (apigateway-execution-service-websocket-limits-table.html): a message over 128 KB closes
 *   the connection with 1009; 10 minutes without messages, or 2 hours in all, close it (1001).
 *   `@connections` posts over 128 KB are refused (413 PayloadTooLargeException).
 * - `@connections` (apigateway-how-to-call-websocket-api-connections.html): POST sends the body to
 *   the client, GET describes the connection, DELETE closes it; an unknown or closed connection is
 *   410 GoneException. Callers are IAM-checked: `execute-api:ManageConnections` on
 *   `arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}/@connections/{id}`.
 * - A client that closes (or is closed) gets its `$disconnect` route run.
 *
 * Hand-written on `ws` (the WebSocket server Node projects use) because no emulator of API Gateway
 * WebSocket APIs with IAM and @connections runs locally (serverless-offline has one without IAM).
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { close, listen } from '../listen'
import { readBody } from '../read-body'
import { authorize, type LocalPrincipal } from '../sigv4/policy'
import type { SigV4Refusal } from '../sigv4/refusals'
import { verifySigV4 } from '../sigv4/verify'
import { newConnectionId, webSocketEvent, type ConnectionInfo, type WebSocketApiIdentity, type WebSocketEvent } from './event'

/** Message payload (128 KB) and the time limits, from the quotas page; smaller in tests. */
export interface WebSocketApiLimits {
  maxMessageBytes: number
  idleTimeoutMs: number
  maxConnectionMs: number
  integrationTimeoutMs: number
}

export const DEFAULT_WEBSOCKET_LIMITS: WebSocketApiLimits = {
  maxMessageBytes: 128 * 1024,
  idleTimeoutMs: 10 * 60_000,
  maxConnectionMs: 2 * 60 * 60_000,
  integrationTimeoutMs: 29_000,
}

/** What a route's function returned (a Lambda proxy result), or throws when the invocation failed. */
export type RouteInvoke = (event: WebSocketEvent) => Promise<{ statusCode?: number } | undefined | null>

export interface WebSocketApiOptions {
  port?: number
  api?: Partial<WebSocketApiIdentity>
  /** The routes that have an integration (`$connect`, `$disconnect`, `invoke`, `cancel`, `$default` …). */
  routes: readonly string[]
  invoke: RouteInvoke
  /** Who may connect (execute-api:Invoke on the $connect route) and manage connections. */
  principals: readonly LocalPrincipal[]
  limits?: Partial<WebSocketApiLimits>
  log?: (line: string) => void
}

export interface WebSocketApi {
  /** `ws://127.0.0.1:{port}/{stage}`: what clients connect to (the Worker's UPSTREAM_URL). */
  url: string
  /** `http://127.0.0.1:{port}/{stage}`: the @connections endpoint for the management API client. */
  managementEndpoint: string
  api: WebSocketApiIdentity
  port: number
  /** Connections open now. */
  readonly connections: number
  /** Successful @connections POSTs so far (PostToConnection calls: billed messages). */
  readonly posts: number
  /** Route invocations so far, by route key. */
  readonly invocations: Record<string, number>
  /** The route ARN callers need execute-api:Invoke on, and the @connections ARN pattern for ManageConnections. */
  routeArn(routeKey: string): string
  connectionsArn(method?: string, connectionId?: string): string
  stop(): Promise<void>
}

interface Connection extends ConnectionInfo {
  socket: WebSocket
  lastActiveAt: number
  idle?: NodeJS.Timeout
  lifetime?: NodeJS.Timeout
}

export const DEFAULT_WEBSOCKET_API: WebSocketApiIdentity = { apiId: 'l0ca1ws000', region: 'us-east-1', accountId: '123456789012', stage: 'v1' }

export async function startWebSocketApi(opts: WebSocketApiOptions): Promise<WebSocketApi> {
  const api: WebSocketApiIdentity = { ...DEFAULT_WEBSOCKET_API, ...opts.api }
  const limits: WebSocketApiLimits = { ...DEFAULT_WEBSOCKET_LIMITS, ...opts.limits }
  const log = opts.log ?? (() => {})
  const connections = new Map<string, Connection>()
  const invocations: Record<string, number> = {}
  const state = { posts: 0 }
  const routeArn = (routeKey: string) => `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${routeKey}`
  const connectionsArn = (method = '*', id = '*') => `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${method}/@connections/${id}`
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxMessageBytes })
  const hasRoute = (key: string) => opts.routes.includes(key)

  /** Runs a route's function; resolves with its status, or `failed` / `timeout`. */
  async function runRoute(event: WebSocketEvent): Promise<number | 'failed' | 'timeout'> {
    const key = event.requestContext.routeKey
    invocations[key] = (invocations[key] ?? 0) + 1
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), limits.integrationTimeoutMs)))
    const run = opts.invoke(event).then(
      (result) => result?.statusCode ?? 200,
      (err: unknown) => {
        log(`${key} integration failed: ${err instanceof Error ? err.message : String(err)}`)
        return 'failed' as const
      },
    )
    try {
      return await Promise.race([run, timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  const server = createServer((req, res) => {
    handleManagement(req, res).catch((err) => {
      log(`internal emulator error: ${err instanceof Error ? err.message : String(err)}`)
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal server error' })
      else res.destroy()
    })
  })

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {})
    handleUpgrade(req, socket, head).catch((err) => {
      log(`upgrade failed: ${err instanceof Error ? err.message : String(err)}`)
      refuseUpgrade(socket, 500, { message: 'Internal server error' })
    })
  })

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local')
    if (url.pathname.replace(/\/+$/, '') !== `/${api.stage}`) return refuseUpgrade(socket, 403, { message: 'Forbidden' })
    const verdict = await checkIam(req, new Uint8Array(), 'execute-api:Invoke', routeArn('$connect'))
    if (!verdict.ok) {
      log(`$connect 403 (${verdict.errorType}: ${verdict.message.split('\n')[0]})`)
      return refuseUpgrade(socket, 403, { message: verdict.message }, verdict.errorType)
    }
    const conn: ConnectionInfo = {
      connectionId: newConnectionId(),
      connectedAt: Date.now(),
      domainName: req.headers.host ?? `127.0.0.1`,
      sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      userAgent: String(req.headers['user-agent'] ?? ''),
    }
    if (hasRoute('$connect')) {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]))
      const status = await runRoute(webSocketEvent(api, conn, '$connect', 'CONNECT', { headers }))
      if (status === 'failed' || status === 'timeout') return refuseUpgrade(socket, 500, { message: 'Internal server error' })
      if (status < 200 || status > 299) return refuseUpgrade(socket, status, { message: 'Forbidden' })
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, conn))
  }

  function accept(socket: WebSocket, info: ConnectionInfo): void {
    const conn: Connection = { ...info, socket, lastActiveAt: Date.now() }
    connections.set(conn.connectionId, conn)
    log(`$connect ${conn.connectionId}`)
    touch(conn)
    conn.lifetime = setTimeout(() => socket.close(1001, 'Going away'), limits.maxConnectionMs)
    socket.on('message', (data, isBinary) => {
      touch(conn)
      void route(conn, isBinary ? Buffer.from(data as Buffer).toString('base64') : data.toString(), isBinary)
    })
    socket.on('error', () => {})
    socket.on('close', (code) => {
      clearTimeout(conn.idle)
      clearTimeout(conn.lifetime)
      if (!connections.delete(conn.connectionId)) return
      log(`$disconnect ${conn.connectionId} (${code})`)
      if (hasRoute('$disconnect')) void runRoute(webSocketEvent(api, conn, '$disconnect', 'DISCONNECT'))
    })
  }

  function touch(conn: Connection): void {
    conn.lastActiveAt = Date.now()
    clearTimeout(conn.idle)
    conn.idle = setTimeout(() => conn.socket.close(1001, 'Going away'), limits.idleTimeoutMs)
  }

  /** Route selection `$request.body.action`, then the route's integration. */
  async function route(conn: Connection, body: string, isBase64: boolean): Promise<void> {
    let action: unknown
    try {
      action = isBase64 ? undefined : (JSON.parse(body) as { action?: unknown })?.action
    } catch {}
    const key = typeof action === 'string' && hasRoute(action) && !action.startsWith('$') ? action : hasRoute('$default') ? '$default' : undefined
    const event = key && webSocketEvent(api, conn, key, 'MESSAGE', { body })
    if (!key || !event) return notice(conn, 'Forbidden', randomUUID())
    if (isBase64) event.isBase64Encoded = true
    const status = await runRoute(event)
    if (status === 'failed') notice(conn, 'Internal server error', event.requestContext.requestId)
    else if (status === 'timeout') {
      log(`${key} integration timed out after ${limits.integrationTimeoutMs} ms (the function runs on)`)
      notice(conn, 'Endpoint request timed out', event.requestContext.requestId)
    }
  }

  /** API Gateway's own message to a client whose message found no route or whose integration failed. */
  function notice(conn: Connection, message: string, requestId: string): void {
    if (conn.socket.readyState !== conn.socket.OPEN) return
    conn.socket.send(JSON.stringify({ message, connectionId: conn.connectionId, requestId }))
  }

  async function handleManagement(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local')
    const match = new RegExp(`^/${api.stage}/@connections/([^/]+)$`).exec(url.pathname)
    if (!match) return sendJson(res, 403, { message: 'Forbidden' }, 'ForbiddenException')
    const connectionId = decodeURIComponent(match[1]!)
    const method = req.method ?? 'GET'
    const body = await readBody(req, limits.maxMessageBytes).catch(() => 'aborted' as const)
    if (body === 'aborted') return
    if (body === 'too_large') return sendJson(res, 413, { message: 'Request Entity Too Large' }, 'PayloadTooLargeException')
    const verdict = await checkIam(req, body, 'execute-api:ManageConnections', connectionsArn(method, connectionId))
    if (!verdict.ok) {
      log(`@connections ${method} 403 (${verdict.errorType})`)
      return sendJson(res, 403, { message: verdict.message }, verdict.errorType)
    }
    const conn = connections.get(connectionId)
    if (!conn || conn.socket.readyState !== conn.socket.OPEN) return sendJson(res, 410, {}, 'GoneException')
    if (method === 'POST') {
      await new Promise<void>((resolve, reject) => conn.socket.send(body, { binary: !isUtf8(body) }, (err) => (err ? reject(err) : resolve())))
      state.posts++
      touch(conn)
      res.writeHead(200, { 'content-length': '0' }).end()
      return
    }
    if (method === 'GET') {
      return sendJson(res, 200, {
        // The wire names are camelCase (the SDK's model: connectedAt, identity.sourceIp …).
        connectedAt: new Date(conn.connectedAt).toISOString(),
        identity: { sourceIp: conn.sourceIp, userAgent: conn.userAgent },
        lastActiveAt: new Date(conn.lastActiveAt).toISOString(),
      })
    }
    if (method === 'DELETE') {
      conn.socket.close(1000)
      res.writeHead(204).end()
      return
    }
    sendJson(res, 403, { message: 'Forbidden' }, 'ForbiddenException')
  }

  async function checkIam(req: IncomingMessage, body: Uint8Array, action: string, resource: string): Promise<{ ok: true } | SigV4Refusal> {
    const verdict = await verifySigV4(
      { method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body },
      { service: 'execute-api', region: api.region, credentials: opts.principals },
    )
    if (!verdict.ok) return verdict
    const principal = opts.principals.find((p) => p.accessKeyId === verdict.credential.accessKeyId)!
    return authorize(principal, action, resource) ?? { ok: true }
  }

  const port = await listen(server, opts.port ?? 0, 'WebSocket API emulator')
  return {
    url: `ws://127.0.0.1:${port}/${api.stage}`,
    managementEndpoint: `http://127.0.0.1:${port}/${api.stage}`,
    api,
    port,
    get connections() {
      return connections.size
    },
    get posts() {
      return state.posts
    },
    invocations,
    routeArn,
    connectionsArn,
    async stop() {
      for (const conn of connections.values()) conn.socket.terminate()
      wss.close()
      await close(server)
    },
  }
}

function refuseUpgrade(socket: Duplex, status: number, body: unknown, errorType?: string): void {
  if (socket.destroyed) return
  const text = JSON.stringify(body)
  const reason = status === 403 ? 'Forbidden' : status === 500 ? 'Internal Server Error' : 'Error'
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
      (errorType ? `x-amzn-ErrorType: ${errorType}\r\n` : '') +
      `Connection: close\r\n\r\n${text}`,
  )
}

function sendJson(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  if (res.headersSent || res.destroyed) return
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'x-amzn-RequestId': randomUUID(),
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  })
  res.end(text)
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return true
  } catch {
    return false
  }
}
