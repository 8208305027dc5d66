/**
 * What invoked the function, and what it asks: the same two operations (invoke, cancel) arrive in
 * three shapes, one per path (README "Choosing a path"):
 * - an API Gateway REST proxy event (`httpMethod`, `resource`, `path`): the `rest` path;
 * - a Lambda Function URL event, payload format 2.0 (`version: "2.0"`, `requestContext.http`,
 *   `rawPath`): the `function-url` path (AWS docs: lambda/latest/dg/urls-invocation.html);
 * - the raw payload of a direct `Invoke` / `InvokeWithResponseStream` (`{"action", prompt,
 *   sessionId}`): the `invoke-stream` path. No HTTP there: the response is the bytes written, with no
 *   status or headers (so no HttpResponseStream prelude).
 */
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda'
import { decodeBody, routeOf, type Parsed, type Route } from './parse-request'

export type Transport = 'http' | 'raw'

export interface Incoming {
  /** Which shape arrived. */
  source: 'rest' | 'function-url' | 'direct'
  /** `http`: status and headers go in the streaming prelude; `raw`: the payload is all there is. */
  transport: Transport
  route: Parsed<Route>
  /** The request body as a value (JSON or form fields), at most `maxBytes`; validated by the caller. */
  body(maxBytes: number): Parsed<unknown>
}

export function incoming(event: unknown): Incoming {
  if (isFunctionUrlEvent(event)) {
    const http = event.requestContext.http
    return {
      source: 'function-url',
      transport: 'http',
      route: routeOf({ resource: '', path: event.rawPath ?? http.path, httpMethod: http.method }),
      body: (maxBytes) => decodeBody(event as unknown as APIGatewayProxyEvent, maxBytes),
    }
  }
  if (isRecord(event) && typeof event.httpMethod === 'string') {
    const proxy = event as unknown as APIGatewayProxyEvent
    return { source: 'rest', transport: 'http', route: routeOf(proxy), body: (maxBytes) => decodeBody(proxy, maxBytes) }
  }
  return { source: 'direct', transport: 'raw', route: directRoute(event), body: () => ({ ok: true, value: event }) }
}

/** A direct invocation names its operation in `action` (default `invoke`). */
function directRoute(event: unknown): Parsed<Route> {
  if (!isRecord(event)) return { ok: false, status: 400, code: 'invalid_request', message: 'The payload must be a JSON object.' }
  const action = event.action ?? 'invoke'
  if (action === 'invoke' || action === 'cancel') return { ok: true, value: action }
  return { ok: false, status: 404, code: 'not_found', message: 'action must be "invoke" or "cancel".' }
}

function isFunctionUrlEvent(event: unknown): event is APIGatewayProxyEventV2 {
  return isRecord(event) && event.version === '2.0' && isRecord(event.requestContext) && isRecord(event.requestContext.http)
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
