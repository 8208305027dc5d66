/**
 * The event an API Gateway WebSocket API passes its Lambda (proxy) integration: requestContext with
 * routeKey, eventType (CONNECT, MESSAGE, DISCONNECT), connectionId, domainName, stage, apiId and the
 * request's ids and times; `headers` on $connect, `body` on messages (AWS docs:
 * apigateway/latest/developerguide/apigateway-websocket-api-route-keys-connect-disconnect.html and
 * set-up-lambda-proxy-integrations; the shape is @types/aws-lambda's APIGatewayProxyWebsocketEventV2).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda'

export interface WebSocketApiIdentity {
  apiId: string
  region: string
  accountId: string
  stage: string
}

export interface ConnectionInfo {
  connectionId: string
  connectedAt: number
  /** `127.0.0.1:port` locally; `{api-id}.execute-api.{region}.amazonaws.com` in AWS. */
  domainName: string
  sourceIp: string
  userAgent: string
}

export type WebSocketEvent = APIGatewayProxyWebsocketEventV2 & { headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]> }

export function webSocketEvent(
  api: WebSocketApiIdentity,
  conn: ConnectionInfo,
  routeKey: string,
  eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT',
  extra: { body?: string; headers?: Record<string, string>; now?: Date } = {},
): WebSocketEvent {
  const now = extra.now ?? new Date()
  const requestId = randomBytes(6).toString('base64').replace(/[+/]/g, 'x') + '='
  const event: WebSocketEvent = {
    requestContext: {
      routeKey,
      eventType,
      extendedRequestId: requestId,
      requestTime: now.toUTCString(),
      messageDirection: 'IN',
      stage: api.stage,
      connectedAt: conn.connectedAt,
      requestTimeEpoch: now.getTime(),
      requestId,
      domainName: conn.domainName,
      connectionId: conn.connectionId,
      apiId: api.apiId,
    } as WebSocketEvent['requestContext'],
    isBase64Encoded: false,
  }
  // Only a message has a message id.
  if (eventType === 'MESSAGE') event.requestContext.messageId = randomUUID()
  if (extra.body !== undefined) event.body = extra.body
  if (extra.headers) {
    event.headers = extra.headers
    event.multiValueHeaders = Object.fromEntries(Object.entries(extra.headers).map(([k, v]) => [k, [v]]))
  }
  return event
}

/** API Gateway's connection ids: 12 base64 characters ending in `=` (e.g. `L0SM9cOFvHcCIhw=`). */
export function newConnectionId(): string {
  return randomBytes(9).toString('base64').replace(/[+/]/g, 'A') + '='
}
