/**
 * A WebSocket API for the edge app's tests: the local emulator (aws/local/websocket-api, SigV4 on the
 * upgrade, route selection, @connections) in front of a scripted function instead of the real one
 * (aws/lambda/websocket runs under the local cloud in aws/local/websocket-api/chain.test.ts). The
 * function posts through the real @aws-sdk/client-apigatewaymanagementapi, as the real one does. A test
 * double at the system's edge: the messages are what aws/lambda/websocket/handler.ts posts (SSE
 * events, coalesced; the cancel route's `{"cancelled", "method"}`).
 *
 * The prompt picks the behaviour (`<scenario>:<marker>`):
 *   answer   meta, three text events (Japanese and emoji among them) in two posts, then done
 *   forever  a text event every 50 ms until the connection is gone (GoneException) or cancelled
 *   hang     nothing at all (first-byte timeout)
 *   fail     the function throws (API Gateway's "Internal server error" notice)
 *   cut      one text event, then the connection is deleted (closed without done)
 * `GET {seenUrl}?marker=` answers what the function saw for that marker: posts, gone, cancels.
 */
import { ApiGatewayManagementApiClient, DeleteConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startWebSocketApi, type WebSocketApi } from '../aws/local/websocket-api/server'
import { formatEvent } from '../protocol/events'
import { TEST_AWS_CREDENTIAL, TEST_AWS_REGION } from './test-credentials'

const FUNCTION_CREDENTIAL = { accessKeyId: 'AKIATESTWSFUNCTION01', secretAccessKey: 'test-ws-function-secret-not-a-secret' }

export interface WebSocketSeen {
  invokes: number
  posts: number
  gone: boolean
  cancels: number
}

export async function startTestWebSocketApi(): Promise<{ url: string; seenUrl: string; api: WebSocketApi; stop(): Promise<void> }> {
  const seen = new Map<string, WebSocketSeen>()
  const cancelled = new Set<string>()
  const of = (marker: string) => {
    let s = seen.get(marker)
    if (!s) seen.set(marker, (s = { invokes: 0, posts: 0, gone: false, cancels: 0 }))
    return s
  }
  let management: ApiGatewayManagementApiClient
  const api = await startWebSocketApi({
    routes: ['$connect', '$disconnect', 'invoke', 'cancel'],
    // API Gateway stops waiting for a route's function after 29 s; 500 ms here, so a `forever` answer
    // outlives it and the Worker meets API Gateway's "Endpoint request timed out" notice mid-answer.
    limits: { integrationTimeoutMs: 500 },
    principals: [
      { ...TEST_AWS_CREDENTIAL, allow: [{ action: 'execute-api:Invoke', resource: 'arn:aws:execute-api:us-east-1:123456789012:l0ca1ws000/v1/$connect' }] },
      { ...FUNCTION_CREDENTIAL, principalArn: 'arn:aws:sts::123456789012:assumed-role/ws/ws', allow: [{ action: 'execute-api:ManageConnections', resource: '*' }] },
    ],
    async invoke(event) {
      const { routeKey, connectionId } = event.requestContext
      if (routeKey === '$connect' || routeKey === '$disconnect') return { statusCode: 200 }
      const body = JSON.parse(event.body ?? '{}') as { prompt?: string; sessionId?: string }
      const post = (text: string) => management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(text) }))
      if (routeKey === 'cancel') {
        const marker = sessions.get(body.sessionId ?? '')
        if (marker !== undefined) of(marker).cancels++
        cancelled.add(body.sessionId ?? '')
        await post(JSON.stringify({ cancelled: true, method: 'signal' })).catch(() => {})
        return { statusCode: 200 }
      }
      const [scenario, marker = ''] = (body.prompt ?? '').split(/[:\s]/)
      const s = of(marker)
      s.invokes++
      sessions.set(body.sessionId ?? '', marker)
      const counted = async (text: string) => {
        await post(text)
        s.posts++
      }
      const meta = formatEvent('meta', { sessionId: body.sessionId ?? '', requestId: event.requestContext.requestId })
      switch (scenario) {
        case 'answer':
          await counted(meta + formatEvent('text', { text: 'こんにちは ' }))
          await counted(formatEvent('text', { text: '世界 🎉' }) + formatEvent('text', { text: '!' }) + formatEvent('done', { stopReason: 'end_turn' }))
          return { statusCode: 200 }
        case 'forever':
          await counted(meta)
          for (;;) {
            await new Promise((r) => setTimeout(r, 50))
            if (cancelled.has(body.sessionId ?? '')) {
              await counted(formatEvent('done', { stopReason: 'cancelled' })).catch(() => {})
              return { statusCode: 200 }
            }
            try {
              await counted(formatEvent('text', { text: 'tick ' }))
            } catch {
              s.gone = true
              return { statusCode: 200 }
            }
          }
        case 'hang':
          return { statusCode: 200 }
        case 'fail':
          throw new Error('scripted failure')
        case 'cut':
          await counted(meta + formatEvent('text', { text: 'half' }))
          await management.send(new DeleteConnectionCommand({ ConnectionId: connectionId }))
          return { statusCode: 200 }
        default:
          await counted(formatEvent('error', { code: 'invalid_request', message: 'unknown scenario', retryable: false }) + formatEvent('done', { stopReason: 'error' }))
          return { statusCode: 400 }
      }
    },
  })
  const sessions = new Map<string, string>()
  management = new ApiGatewayManagementApiClient({ endpoint: api.managementEndpoint, region: TEST_AWS_REGION, credentials: FUNCTION_CREDENTIAL, maxAttempts: 1 })
  const seenServer = createServer((req, res) => {
    const marker = new URL(req.url ?? '/', 'http://local').searchParams.get('marker') ?? ''
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(of(marker)))
  })
  await new Promise<void>((resolve) => seenServer.listen(0, '127.0.0.1', resolve))
  return {
    url: api.url,
    seenUrl: `http://127.0.0.1:${(seenServer.address() as AddressInfo).port}/`,
    api,
    async stop() {
      await api.stop()
      await new Promise((r) => seenServer.close(r))
    },
  }
}
