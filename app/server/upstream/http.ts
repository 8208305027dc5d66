import type { ErrorCode } from '../../../protocol/events'
import type { ErrorStatus } from '../errors'
import type { CancelOutcome, OpenResult } from './types'

/** How long a cancel call may take before it counts as unreachable. */
export const CANCEL_TIMEOUT_MS = 10_000

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
    if (timeout.signal.aborted && !signal.aborted) return fail(504, 'upstream_timeout', 'The agent did not start answering in time.')
    return fail(502, 'upstream_unreachable', 'The agent service could not be reached.')
  } finally {
    clearTimeout(timer)
  }
}

/** A 200 `text/event-stream` response is the answer; anything else becomes one of our JSON errors (its body discarded, never shown). */
export async function eventStreamOrFailure(response: Response): Promise<OpenResult> {
  const type = response.headers.get('content-type') ?? ''
  if (response.status === 200 && type.startsWith('text/event-stream') && response.body) return { ok: true, body: response.body }
  await response.body?.cancel().catch(() => {})
  return failureFor(response.status)
}

/** An upstream HTTP status (API Gateway, a Function URL, Lambda's API) as the edge's error. */
export function failureFor(status: number): Extract<OpenResult, { ok: false }> {
  if (status === 401 || status === 403) return fail(502, 'upstream_auth', 'The agent service refused the edge’s credentials.')
  if (status === 429 || status === 503) return fail(503, 'agent_unavailable', 'The agent is busy or unavailable. Try again shortly.')
  if (status === 504) return fail(504, 'upstream_timeout', 'The agent did not answer in time.')
  if (status >= 500) return fail(502, 'upstream_error', 'The agent service failed.')
  return fail(502, 'upstream_bad_response', 'The agent service gave an unexpected answer.')
}

export function fail(status: ErrorStatus, code: ErrorCode, message: string): Extract<OpenResult, { ok: false }> {
  return { ok: false, status, code, message }
}

/** Reads a cancel answer (`{"cancelled": true, "method"?}`) the same way on every HTTP path. */
export async function cancelOutcomeOf(res: Response): Promise<CancelOutcome> {
  const body = (await res.json().catch(() => ({}))) as { cancelled?: unknown; method?: unknown }
  return {
    status: res.status,
    cancelled: res.ok && body.cancelled === true,
    method: typeof body.method === 'string' ? body.method : undefined,
  }
}
