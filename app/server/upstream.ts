import type { ErrorCode } from '../../protocol/events'
import type { EdgeConfig } from './config'
import type { ErrorStatus } from './errors'

export type UpstreamResult =
  | { ok: true; response: Response & { body: ReadableStream<Uint8Array> } }
  | { ok: false; status: ErrorStatus; code: ErrorCode; message: string }

/**
 * POSTs the prompt upstream (API Gateway → Lambda) and waits for its response headers, at most
 * `firstByteTimeoutMs`. The status is decided before the first byte (Lambda's streaming prelude
 * carries it), so anything but a 200 event stream becomes one of our JSON errors here; the
 * upstream's own body is discarded, never shown. `signal` aborts the request and its body later
 * (the client went away).
 */
export async function openUpstream(
  config: EdgeConfig,
  payload: { prompt: string; sessionId: string },
  signal: AbortSignal,
): Promise<UpstreamResult> {
  const timeout = new AbortController()
  const timer = setTimeout(() => timeout.abort(), config.firstByteTimeoutMs)
  let response: Response
  try {
    response = await fetch(config.upstreamUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'x-api-key': config.apiKey,
      },
      body: JSON.stringify(payload),
      signal: AbortSignal.any([signal, timeout.signal]),
    })
  } catch {
    if (timeout.signal.aborted && !signal.aborted) {
      return fail(504, 'upstream_timeout', 'The agent did not start answering in time.')
    }
    return fail(502, 'upstream_unreachable', 'The agent service could not be reached.')
  } finally {
    clearTimeout(timer)
  }
  const type = response.headers.get('content-type') ?? ''
  if (response.status === 200 && type.startsWith('text/event-stream') && response.body) {
    return { ok: true, response: response as Response & { body: ReadableStream<Uint8Array> } }
  }
  await response.body?.cancel().catch(() => {})
  return failureFor(response.status)
}

function failureFor(status: number): UpstreamResult {
  if (status === 401 || status === 403) {
    return fail(502, 'upstream_auth', 'The agent service refused the edge’s credentials.')
  }
  if (status === 429 || status === 503) {
    return fail(503, 'agent_unavailable', 'The agent is busy or unavailable. Try again shortly.')
  }
  if (status === 504) return fail(504, 'upstream_timeout', 'The agent did not answer in time.')
  if (status >= 500) return fail(502, 'upstream_error', 'The agent service failed.')
  return fail(502, 'upstream_bad_response', 'The agent service gave an unexpected answer.')
}

function fail(status: ErrorStatus, code: ErrorCode, message: string): UpstreamResult {
  return { ok: false, status, code, message }
}
