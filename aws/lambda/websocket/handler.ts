/**
 * The WebSocket API's function (the `websocket` path; README "Choosing a path"). API Gateway invokes
 * it once per event, with the WebSocket event shape (requestContext.routeKey, eventType, connectionId,
 * domainName, stage), for the routes `$connect`, `$disconnect` and the actions `invoke` and `cancel`
 * (route selection `$request.body.action`):
 *
 * - `$connect`: the caller passed IAM authorization already (API Gateway checks the signed upgrade);
 *   accepted.
 * - `invoke`: the same relay as the streaming proxy (aws/lambda/invoke.ts: AgentCore's answer as the
 *   project's events, heartbeats, deadline, `done` last), written into a writer that posts the SSE
 *   bytes to the connection, coalesced (./connection-writer.ts). A GoneException (the client left)
 *   stops the agent's turn, as a broken response stream does on the HTTP paths.
 * - `cancel`: stops the session's answer (aws/lambda/cancel.ts) and posts `{"cancelled", "method"}`
 *   (or `{"error"}`) to the caller's connection.
 * - `$disconnect`: logged; a running `invoke` learns of it from its next post (GoneException).
 *
 * The integration waits at most 29 s for this function (API Gateway's WebSocket integration timeout,
 * apigateway-execution-service-websocket-limits-table.html); an `invoke` runs on past that (Lambda does
 * not stop a synchronous invocation whose caller stopped waiting) and keeps posting. Build:
 * aws/lambda/websocket/build.ts (export `handler`, not streamified: the answer goes out by posts).
 */
import type { APIGatewayProxyStructuredResultV2, APIGatewayProxyWebsocketEventV2, Context } from 'aws-lambda'
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'
import { errorBody, type ErrorCode } from '../../../protocol/events'
import { maxBodyBytes, newSessionId } from '../../../protocol/request'
import { cancelSession } from '../cancel'
import { ConfigError, lambdaConfig, type LambdaConfig } from '../config'
import { relayAnswer } from '../invoke'
import { createLogger, type Logger } from '../log'
import { cancelOf, invokeOf, type Parsed } from '../parse-request'
import { sendErrorEvents } from '../response'
import { parseWebSocketConfig, type WebSocketConfig } from './config'
import { connectionWriter } from './connection-writer'

const baseLog = createLogger({ fn: process.env.AWS_LAMBDA_FUNCTION_NAME })
type Result = APIGatewayProxyStructuredResultV2

export async function handler(event: APIGatewayProxyWebsocketEventV2, context: Context): Promise<Result> {
  const rc = event.requestContext
  const log = baseLog.with({ requestId: context.awsRequestId, connectionId: rc.connectionId, route: rc.routeKey })
  if (rc.eventType === 'CONNECT') {
    log.info('connected')
    return { statusCode: 200 }
  }
  if (rc.eventType === 'DISCONNECT') {
    log.info('disconnected')
    return { statusCode: 200 }
  }
  let config: LambdaConfig
  let ws: WebSocketConfig
  try {
    config = lambdaConfig()
    ws = webSocketConfig()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    log.error('not_configured', { reason: err.message })
    await reply(event, fallbackWebSocketConfig(), log, errorBody('internal_error', 'The proxy is not configured.'))
    return { statusCode: 500 }
  }
  const body = decode(event, maxBodyBytes(config.maxPromptChars))
  if (rc.routeKey === 'invoke') return invoke(event, context, config, ws, body, log)
  if (rc.routeKey === 'cancel') return cancel(event, config, ws, body, log)
  // Only the routes above are integrated with this function (aws/lib/websocket-path.ts).
  log.warn('unknown_route')
  await reply(event, ws, log, errorBody('not_found', 'action must be "invoke" or "cancel".'))
  return { statusCode: 404 }
}

async function invoke(event: APIGatewayProxyWebsocketEventV2, context: Context, config: LambdaConfig, ws: WebSocketConfig, body: Parsed<unknown>, log: Logger): Promise<Result> {
  const post = poster(event, ws)
  const writer = connectionWriter(post, ws.coalescing)
  const started = Date.now()
  const req = invokeOf(body, config.maxPromptChars)
  if (!req.ok) {
    log.info('request_refused', { status: req.status, code: req.code })
    // No HTTP status reaches the client: the refusal is events, as for a direct invocation.
    await sendErrorEvents(writer, { code: req.code, message: req.message, retryable: false }, 'raw')
    return { statusCode: req.status }
  }
  const sessionId = req.value.sessionId ?? newSessionId()
  await relayAnswer(config, { ...req.value, sessionId }, writer, context, log.with({ sessionId }), 'raw')
  // What coalescing saved: posts (billed messages, round trips) per answer (bench/websocket-coalescing.md).
  log.info('posts', { posts: writer.posts, bytes: writer.bytesPosted, ms: Date.now() - started, ...ws.coalescing })
  return { statusCode: 200 }
}

async function cancel(event: APIGatewayProxyWebsocketEventV2, config: LambdaConfig, ws: WebSocketConfig, body: Parsed<unknown>, log: Logger): Promise<Result> {
  const req = cancelOf(body)
  if (!req.ok) {
    await reply(event, ws, log, errorBody(req.code, req.message))
    return { statusCode: req.status }
  }
  const sessionLog = log.with({ sessionId: req.value.sessionId })
  try {
    const method = await cancelSession(config, req.value.sessionId, sessionLog)
    await reply(event, ws, sessionLog, method === 'not_running' ? { cancelled: false } : { cancelled: true, method })
    return { statusCode: method === 'not_running' ? 404 : 200 }
  } catch (err) {
    sessionLog.error('cancel_failed', { err })
    await reply(event, ws, sessionLog, errorBody('upstream_error', 'The session could not be cancelled.'))
    return { statusCode: 502 }
  }
}

/** The message body as a value: JSON text (API Gateway passes text frames as they came). */
function decode(event: APIGatewayProxyWebsocketEventV2, maxBytes: number): Parsed<unknown> {
  const bytes = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8')
  if (bytes.byteLength > maxBytes) return refused(413, 'payload_too_large', 'The message is too large.')
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown }
  } catch {
    return refused(400, 'invalid_json', 'The message is not valid JSON.')
  }
}

function refused(status: 400 | 413, code: ErrorCode, message: string): Parsed<never> {
  return { ok: false, status, code, message }
}

/** One JSON message to the caller's connection; a client that has gone is no error here. */
async function reply(event: APIGatewayProxyWebsocketEventV2, ws: WebSocketConfig, log: Logger, value: unknown): Promise<void> {
  try {
    await poster(event, ws)(Buffer.from(JSON.stringify(value)))
  } catch (err) {
    log.info('reply_not_delivered', { err })
  }
}

const clients = new Map<string, ApiGatewayManagementApiClient>()

/**
 * PostToConnection on the connection's own API: `https://{domainName}/{stage}` (the @connections
 * endpoint of the API that invoked us), or the local emulator's. One SDK client per endpoint, kept
 * across invocations (a warm function keeps its connections).
 */
function poster(event: APIGatewayProxyWebsocketEventV2, ws: WebSocketConfig) {
  const { domainName, stage, connectionId } = event.requestContext
  const endpoint = ws.managementEndpoint ?? `https://${domainName}/${stage}`
  let client = clients.get(endpoint)
  if (!client) clients.set(endpoint, (client = new ApiGatewayManagementApiClient({ endpoint, maxAttempts: 1 })))
  return async (data: Uint8Array) => {
    await client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }))
  }
}

let wsConfig: WebSocketConfig | undefined
function webSocketConfig(): WebSocketConfig {
  return (wsConfig ??= parseWebSocketConfig(process.env))
}

/** The coalescing defaults, for the one reply sent when the configuration itself is bad. */
function fallbackWebSocketConfig(): WebSocketConfig {
  return { coalescing: { maxBytes: 1, maxDelayMs: 0 }, managementEndpoint: process.env.WEBSOCKET_MANAGEMENT_ENDPOINT || undefined }
}
