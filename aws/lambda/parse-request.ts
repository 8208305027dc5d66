/**
 * Turns an API Gateway proxy event into a validated request, with the same rules (and codes) the edge
 * applies: ../../protocol/request.ts. Everything here happens before the first byte, so a failure is a
 * real HTTP status with a JSON error body.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda'
import type { ErrorCode } from '../../protocol/events'
import { maxBodyBytes, maxUpstreamBodyBytes, validateCancel, validateUpstreamInvoke, type UpstreamInvokeRequest } from '../../protocol/request'

export type Route = 'invoke' | 'cancel'

export type Parsed<T> = { ok: true; value: T } | { ok: false; status: 400 | 404 | 405 | 413 | 415; code: ErrorCode; message: string }

/** Which endpoint: by the API Gateway resource, else the last path segment (a proxy resource or a direct call). */
export function routeOf(event: Pick<APIGatewayProxyEvent, 'resource' | 'path' | 'httpMethod'>): Parsed<Route> {
  const candidate = event.resource && !event.resource.includes('{') ? event.resource : event.path
  const last = (candidate ?? '').replace(/\/+$/, '').split('/').pop()
  if (last !== 'invoke' && last !== 'cancel') return { ok: false, status: 404, code: 'not_found', message: 'No such endpoint.' }
  if (event.httpMethod !== 'POST') return { ok: false, status: 405, code: 'method_not_allowed', message: 'Use POST.' }
  return { ok: true, value: last }
}

/**
 * `maxPromptChars` also bounds the body's bytes, by the edge's rule plus room for the history the edge
 * sends (protocol/request.ts maxUpstreamBodyBytes).
 */
export function parseInvoke(event: APIGatewayProxyEvent, maxPromptChars: number): Parsed<UpstreamInvokeRequest> {
  return invokeOf(decodeBody(event, maxUpstreamBodyBytes(maxPromptChars)), maxPromptChars)
}

export function parseCancel(event: APIGatewayProxyEvent, maxPromptChars: number): Parsed<{ sessionId: string }> {
  return cancelOf(decodeBody(event, maxBodyBytes(maxPromptChars)))
}

/** A decoded body (any source: ./incoming.ts) validated as an invoke request, with the edge's `userId` and `history`. */
export function invokeOf(body: Parsed<unknown>, maxPromptChars: number): Parsed<UpstreamInvokeRequest> {
  return body.ok ? validateUpstreamInvoke(body.value, maxPromptChars) : body
}

export function cancelOf(body: Parsed<unknown>): Parsed<{ sessionId: string }> {
  return body.ok ? validateCancel(body.value) : body
}

/**
 * The body as an object: JSON, or form fields (the edge accepts both), base64 bodies included. A
 * Function URL event (payload format 2.0) carries `headers`, `body` and `isBase64Encoded` alike.
 */
export function decodeBody(event: Pick<APIGatewayProxyEvent, 'headers' | 'body' | 'isBase64Encoded'>, maxBytes: number): Parsed<unknown> {
  const type = (header(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  const isJson = type === 'application/json' || type.endsWith('+json')
  const isForm = type === 'application/x-www-form-urlencoded'
  if (!isJson && !isForm) {
    return { ok: false, status: 415, code: 'unsupported_media_type', message: 'Send application/json (or an application/x-www-form-urlencoded form).' }
  }
  const raw = event.body ?? ''
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8')
  if (bytes.byteLength > maxBytes) {
    return { ok: false, status: 413, code: 'payload_too_large', message: 'The request body is too large.' }
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return { ok: false, status: 400, code: 'invalid_request', message: 'The body must be UTF-8.' }
  }
  if (isForm) return { ok: true, value: Object.fromEntries(new URLSearchParams(text)) }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return { ok: false, status: 400, code: 'invalid_json', message: 'The body is not valid JSON.' }
  }
}

/** Header lookup ignoring case (API Gateway passes headers as the client sent them). */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const want = name.toLowerCase()
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === want && v !== undefined) return v
  return undefined
}
