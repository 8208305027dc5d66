import type { Context } from 'hono'
import { endTime, startTime } from 'hono/timing'
import { encodeEvent, SESSION_HEADER, SSE_HEADERS } from '../../protocol/events'
import { errorResponse } from './errors'
import { relay } from './relay'
import { upstreamFor, type InvokePayload } from './upstream'

/**
 * Opens the upstream stream for a validated prompt and re-streams it to the client. When the client
 * goes away (tab closed, fetch aborted) the upstream request is aborted and the upstream is asked to
 * cancel the session's generation.
 */
export async function relayAnswer(c: Context, input: InvokePayload): Promise<Response> {
  const upstream = upstreamFor(c.var.config)
  const { sessionId } = input
  const requestId = crypto.randomUUID()
  const upstreamAbort = new AbortController()
  // Settled once: the answer ended, or the agent was stopped. After that nothing more is cancelled.
  let settled = false
  // One place that stops the agent, whichever says so first: the client leaving, or the relay breaking.
  const stopUpstream = () => {
    if (settled) return
    settled = true
    upstreamAbort.abort()
    c.executionCtx.waitUntil(upstream.cancel(sessionId))
  }
  c.req.raw.signal.addEventListener('abort', stopUpstream)

  startTime(c, 'upstream', 'upstream response headers')
  const opened = await upstream.open(input, upstreamAbort.signal)
  endTime(c, 'upstream')
  if (!opened.ok) {
    // A timeout or an upstream failure may leave the agent running for nobody: stop it (the cancel
    // reports truthfully whether anything ran). A refusal (throttled, bad credentials) started nothing.
    if (opened.mayRun) stopUpstream()
    settled = true
    const headers: Record<string, string> = { [SESSION_HEADER]: sessionId }
    if (opened.retryAfter) headers['Retry-After'] = opened.retryAfter
    return errorResponse(opened.status, opened.code, opened.message, headers, opened.retryable)
  }

  const relayed = relay(encodeEvent('meta', { sessionId, requestId }), opened.body)
  // A pipe that fails means the client left or the upstream broke: either way the agent should stop
  // (a cancel for a session that already ended is answered and ignored upstream).
  c.executionCtx.waitUntil(
    relayed.ended.then((end) => {
      if (end === 'broken') stopUpstream()
      settled = true
    }),
  )
  return c.body(relayed.readable, 200, {
    'Content-Type': SSE_HEADERS['Content-Type'],
    'Cache-Control': SSE_HEADERS['Cache-Control'],
    // Cloudflare may compress (and so buffer) a stream unless told the encoding is identity.
    'Content-Encoding': 'identity',
    [SESSION_HEADER]: sessionId,
  })
}
