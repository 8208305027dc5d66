import type { Context } from 'hono'
import { encodeEvent, SESSION_HEADER, SSE_HEADERS } from '../../protocol/events'
import type { AppEnv } from '../global'
import { readConfig } from './config'
import { errorResponse } from './errors'
import { maxBodyBytes, newSessionId, validateInvoke } from '../../protocol/request'
import { limitBody, readBody } from './read-body'
import { relay } from './relay'
import { upstreamFor } from './upstream'

/**
 * POST /api/invoke: validate, open the upstream stream, re-stream it. Nothing reaches the upstream
 * unless the input is valid. When the client goes away (tab closed, fetch aborted) the upstream
 * request is aborted and the upstream is asked to cancel the session's generation.
 */
export async function invoke(c: Context<AppEnv>): Promise<Response> {
  const config = readConfig(c.env ?? {})
  const upstream = upstreamFor(config)
  // Taken before the body is read: hono's bodyLimit may replace c.req.raw with a buffered copy.
  const clientSignal = c.req.raw.signal
  const limited = await limitBody(maxBodyBytes(config.maxPromptChars))(c, async () => {})
  if (limited) return limited

  const body = await readBody(c)
  if (!body.ok) return errorResponse(body.status, body.code, body.message)
  const input = validateInvoke(body.value, config.maxPromptChars)
  if (!input.ok) return errorResponse(input.status, input.code, input.message)

  const sessionId = input.value.sessionId ?? newSessionId()
  const requestId = crypto.randomUUID()
  const upstreamAbort = new AbortController()
  // Settled once: the answer ended, or the agent was stopped. After that nothing more is cancelled.
  let settled = false
  // One place that stops the agent, whichever says so first: the client leaving, or the relay breaking.
  const stopUpstream = () => {
    if (settled) return
    settled = true
    upstreamAbort.abort()
    waitUntil(c, upstream.cancel(sessionId))
  }
  clientSignal?.addEventListener('abort', stopUpstream)

  const opened = await upstream.open({ prompt: input.value.prompt, sessionId }, upstreamAbort.signal)
  if (!opened.ok) {
    settled = true
    return errorResponse(opened.status, opened.code, opened.message, { [SESSION_HEADER]: sessionId })
  }

  const relayed = relay(encodeEvent('meta', { sessionId, requestId }), opened.body)
  // A pipe that fails means the client left or the upstream broke: either way the agent should stop
  // (a cancel for a session that already ended is answered and ignored upstream).
  waitUntil(
    c,
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

/** Keeps the Worker alive for `work` after the response ended; without an execution context (plain app.request in a test) it just runs. */
function waitUntil(c: Context, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    work.catch(() => {})
  }
}
