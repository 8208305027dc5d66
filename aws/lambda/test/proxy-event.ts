/**
 * API Gateway REST proxy events as the proxy receives them (test support): built by the API Gateway
 * emulator's own builder (../../local/api-gateway/proxy-event.ts), then overridden field by field.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda'
import { buildProxyEvent } from '../../local/api-gateway/proxy-event'
import { DEFAULT_API } from '../../local/api-gateway/server'

export function proxyEvent(overrides: Partial<APIGatewayProxyEvent> & { json?: unknown } = {}): APIGatewayProxyEvent {
  const { json, ...rest } = overrides
  const resource = rest.resource ?? '/invoke'
  const event = buildProxyEvent(DEFAULT_API, {
    method: 'POST',
    path: resource,
    resourcePath: resource,
    resourceId: 'r',
    query: '',
    rawHeaders: ['Content-Type', 'application/json', 'accept', 'text/event-stream'],
    body: json === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(json)),
    sourceIp: '127.0.0.1',
    apiKey: 'k',
    apiKeyId: 'k-id',
    requestId: 'apigw-request-id',
    extendedRequestId: 'apigw-extended-id',
    traceId: 'Root=1-00000000-000000000000000000000000',
    now: new Date(),
  })
  return { ...event, ...rest }
}
