import { FIRST_EVENT_ID_HEADER, type ErrorCode } from '../../../protocol/events'
import type { ErrorStatus } from '../errors'
import type { OpenResult } from './types'

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/**
 * Sends the request and waits for its response headers, at most `firstByteTimeoutMs`. `signal`
 * (the client went away) keeps aborting the response body after that. Every HTTP path shares this.
 */
export async function fetchFirstByte(
  send: FetchLike,
  url: string,
  init: RequestInit,
  signal: AbortSignal,
  firstByteTimeoutMs: number,
): Promise<{ ok: true; response: Response } | Extract<OpenResult, { ok: false }>> {
  const timeout = new AbortController()
  const timer = setTimeout(() => timeout.abort(), firstByteTimeoutMs)
  try {
    return { ok: true, response: await send(url, { ...init, signal: AbortSignal.any([signal, timeout.signal]) }) }
  } catch {
    // The request went out and nothing came back in time: the agent may well be running (mayRun).
    if (timeout.signal.aborted && !signal.aborted) return { ...fail(504, 'upstream_timeout', 'The agent did not start answering in time.'), retryable: true, mayRun: true }
    return fail(502, 'upstream_unreachable', 'The agent service could not be reached.')
  } finally {
    clearTimeout(timer)
  }
}

/** A 200 `text/event-stream` response is the answer; anything else becomes one of our JSON errors (its body never shown). */
export async function eventStreamOrFailure(response: Response): Promise<OpenResult> {
  const type = response.headers.get('content-type') ?? ''
  if (response.status === 200 && type.startsWith('text/event-stream') && response.body) {
    const first = response.headers.get(FIRST_EVENT_ID_HEADER)
    return first !== null && /^[1-9]\d{0,15}$/.test(first) ? { ok: true, body: response.body, firstEventId: Number(first) } : { ok: true, body: response.body }
  }
  return failureOf(response)
}

/** Longest error body read to tell API Gateway's own answers from the function's. */
const ERROR_BODY_BYTES = 4096

/**
 * A refused response as the edge's error. Reads a short body: API Gateway answers a Lambda invocation
 * that Lambda rejected — TooManyRequestsException, every execution environment busy — with 500 and
 * its own body `{"message":"Internal server error"}` ("If the Lambda API rejects the invocation
 * request, API Gateway returns a 500 error": lambda/latest/dg/services-apigateway-errors.html), while
 * the function's own errors carry `{"error":{code,message}}` (aws/lambda/handler.ts) and its crashes
 * are 502. So that 500 is "throttled", like API Gateway's own 429 (usage plan, account or stage
 * throttle: knowledge-center/api-gateway-429-limit): 503 agent_unavailable, worth retrying.
 */
export async function failureOf(response: Response): Promise<Extract<OpenResult, { ok: false }>> {
  const retryAfter = response.headers.get('retry-after') ?? undefined
  let gatewayMessage: string | undefined
  if (response.status === 500) {
    const text = await readPrefix(response, ERROR_BODY_BYTES)
    try {
      const body = JSON.parse(text) as { message?: unknown; error?: unknown }
      if (body.error === undefined && typeof body.message === 'string') gatewayMessage = body.message
    } catch {}
  } else {
    await response.body?.cancel().catch(() => {})
  }
  const failure = failureFor(response.status === 500 && gatewayMessage === 'Internal server error' ? 429 : response.status)
  return retryAfter && failure.retryable ? { ...failure, retryAfter } : failure
}

/** An upstream HTTP status (API Gateway, a Function URL, Lambda's API) as the edge's error. */
export function failureFor(status: number): Extract<OpenResult, { ok: false }> {
  if (status === 401 || status === 403) return fail(502, 'upstream_auth', 'The agent service refused the edge’s credentials.')
  if (status === 429 || status === 503) return { ...fail(503, 'agent_unavailable', 'The agent is busy or unavailable. Try again shortly.'), retryable: true }
  // The agent may have started: the caller stops it (upstreamMayRun).
  if (status === 504) return { ...fail(504, 'upstream_timeout', 'The agent did not answer in time.'), retryable: true, mayRun: true }
  if (status >= 500) return { ...fail(502, 'upstream_error', 'The agent service failed.'), mayRun: true }
  return fail(502, 'upstream_bad_response', 'The agent service gave an unexpected answer.')
}

export function fail(status: ErrorStatus, code: ErrorCode, message: string): Extract<OpenResult, { ok: false }> {
  return { ok: false, status, code, message }
}

/** Up to `limit` bytes of a body as text; the rest is cancelled. */
async function readPrefix(response: Response, limit: number): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < limit) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } catch {
    return ''
  } finally {
    reader.cancel().catch(() => {})
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) all.set(c, (at += c.byteLength) - c.byteLength)
  return new TextDecoder().decode(all.subarray(0, limit))
}
