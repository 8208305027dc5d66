import { errorBody, type ErrorCode } from '../../protocol/events'

export type ErrorStatus = 400 | 401 | 404 | 405 | 408 | 409 | 413 | 415 | 426 | 429 | 500 | 502 | 503 | 504

/**
 * An HTTP error as `{"error":{code,message}}`. The body is serialized with JSON.stringify and the
 * message is always ours, never an upstream's text or a stack trace.
 */
export function errorResponse(
  status: ErrorStatus,
  code: ErrorCode,
  message: string,
  headers?: ConstructorParameters<typeof Headers>[0],
  retryable?: boolean,
): Response {
  const h = new Headers(headers)
  h.set('Content-Type', 'application/json; charset=utf-8')
  h.set('Cache-Control', 'no-store')
  return new Response(JSON.stringify(errorBody(code, message, retryable)), { status, headers: h })
}
