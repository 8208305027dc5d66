import type { Context } from 'hono'
import { endTime, startTime } from 'hono/timing'
import { SESSION_HEADER, SSE_HEADERS } from '../../../protocol/events'
import { isValidSessionId, newSessionId } from '../../../protocol/request'
import type { AppEnv, Bindings } from '../../global'
import { errorResponse } from '../errors'
import { titleOf } from './title'
import { readLimits } from './limits'
import { parseAfter } from './sse'
import { WATCH_OWNER_HEADER } from './watchers'

type C = Context<AppEnv>

const conversation = (env: Bindings, id: string) => env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id))
const ownerIndex = (env: Bindings, owner: string) => env.OWNERS.get(env.OWNERS.idFromName(owner))

const STREAM_HEADERS = {
  'Content-Type': SSE_HEADERS['Content-Type'],
  'Cache-Control': SSE_HEADERS['Cache-Control'],
  // Cloudflare may compress (and so buffer) a stream unless told the encoding is identity.
  'Content-Encoding': 'identity',
}

/**
 * POST /api/invoke (after validation): a turn of a conversation. Without `sessionId` it starts a
 * new conversation (its id is the session id, in `meta` and X-Session-Id); with one it continues
 * that conversation, which must be the caller's (404 otherwise, nothing forwarded). The answer
 * streams with event ids; the client leaving does not stop it (POST /api/conversations/:id/stop does).
 */
export async function invokeTurn(c: C, input: { prompt: string; sessionId?: string; replaces?: string }): Promise<Response> {
  const limits = readLimits(c.env ?? {})
  const owner = c.get('owner')
  const existing = input.sessionId
  const id = existing ?? newSessionId()
  const owners = ownerIndex(c.env, owner)
  if (!existing) {
    const reserved = await owners.reserve(id, titleOf(input.prompt), Date.now(), limits.maxConversationsPerOwner)
    if (reserved === 'limit') {
      return errorResponse(409, 'conversation_limit', `You have ${limits.maxConversationsPerOwner} conversations, the most allowed: delete one to start another.`)
    }
  }
  startTime(c, 'upstream', 'upstream response headers')
  const result = await conversation(c.env, id).startTurn({
    conversationId: id,
    owner,
    prompt: input.prompt,
    ...(input.replaces !== undefined && { replaces: input.replaces }),
    create: !existing,
    requestId: crypto.randomUUID(),
    maxTurnMs: limits.maxTurnMs,
    maxBytes: limits.maxConversationBytes,
  })
  endTime(c, 'upstream')
  if (!result.ok) {
    // Nothing half-written: a new conversation whose first turn could not start is not listed.
    if (!existing) await owners.remove(id)
    const headers: Record<string, string> = { [SESSION_HEADER]: id }
    if (result.retryAfter) headers['Retry-After'] = result.retryAfter
    return errorResponse(result.status, result.code, result.message, headers, result.retryable)
  }
  if (existing) waitUntil(c, owners.touch(id, Date.now(), result.title))
  return c.body(result.stream, 200, { ...STREAM_HEADERS, [SESSION_HEADER]: id })
}

/** GET /api/conversations: the caller's conversations, newest first. */
export async function listConversations(c: C): Promise<Response> {
  const conversations = await ownerIndex(c.env, c.get('owner')).list()
  return c.json({ conversations }, 200, { 'Cache-Control': 'no-store' })
}

/** GET /api/conversations/:id: the messages, and the running turn's last event id (resume after it). */
export async function readConversation(c: C): Promise<Response> {
  const id = c.req.param('id')
  if (!isValidSessionId(id)) return notFound()
  const view = await conversation(c.env, id).view(c.get('owner'))
  if ('ok' in view) return errorResponse(view.status, view.code, view.message)
  return c.json(view, 200, { 'Cache-Control': 'no-store' })
}

/**
 * GET /api/conversations/:id/events: the latest turn's events after `Last-Event-ID` (EventSource
 * sends it on reconnect) or `?after=` (fetch readers), then the live rest while it runs.
 */
export async function resumeConversation(c: C): Promise<Response> {
  const id = c.req.param('id')
  if (!isValidSessionId(id)) return notFound()
  const after = parseAfter(c.req.header('last-event-id'), c.req.query('after'))
  if (Number.isNaN(after)) return errorResponse(400, 'invalid_request', '"after" (or Last-Event-ID) must be an event id: a whole number ≥ 0.')
  const result = await conversation(c.env, id).events(c.get('owner'), after ?? 0)
  if (!result.ok) return errorResponse(result.status, result.code, result.message)
  return c.body(result.stream, 200, { ...STREAM_HEADERS, [SESSION_HEADER]: id })
}

/**
 * GET /api/conversations/:id/watch (a WebSocket upgrade): the page's socket that hears of every turn
 * of the conversation that starts or ends (protocol/events.ts WatchMessage), from whichever tab or
 * script started it. The conversation accepts it with the hibernation API (watchers.ts), so an idle
 * socket does not keep the object in memory. Only the owner may watch; anyone else gets a 404.
 */
export async function watchConversation(c: C): Promise<Response> {
  const id = c.req.param('id')
  if (!isValidSessionId(id)) return notFound()
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    return errorResponse(426, 'invalid_request', 'This is a WebSocket: send it as an upgrade (Upgrade: websocket).', { Upgrade: 'websocket' })
  }
  // A fresh request naming the identified owner: nothing of the client's own headers reaches the object.
  const res = await conversation(c.env, id).fetch('https://conversation.internal/watch', {
    headers: { Upgrade: 'websocket', [WATCH_OWNER_HEADER]: c.get('owner') },
  })
  if (!res.webSocket) return res.status === 404 ? notFound() : errorResponse(500, 'internal_error', 'The conversation could not be watched.')
  // A Response of our own (the object's has immutable headers, and the middleware adds some).
  return new Response(null, { status: 101, webSocket: res.webSocket })
}

/**
 * POST /api/conversations/:id/stop (and POST /api/cancel `{"sessionId"}`): ends the running turn as
 * cancelled and tells the upstream to cancel. Only the owner may; for anyone else the id is not found.
 */
export async function stopConversation(c: C, id = c.req.param('id') ?? ''): Promise<Response> {
  if (!isValidSessionId(id)) return notFound()
  const result = await conversation(c.env, id).stop(c.get('owner'))
  if (!result.ok) return errorResponse(result.status, result.code, result.message)
  return c.json({ stopped: result.stopped, ...(result.upstreamCancelled !== undefined ? { upstreamCancelled: result.upstreamCancelled } : {}) })
}

/** DELETE /api/conversations/:id: stops a running turn, deletes the stored conversation and its list entry. */
export async function deleteConversation(c: C): Promise<Response> {
  const id = c.req.param('id')
  if (!isValidSessionId(id)) return notFound()
  const owner = c.get('owner')
  const result = await conversation(c.env, id).destroy(owner)
  if (!result.ok) return errorResponse(result.status, result.code, result.message)
  await ownerIndex(c.env, owner).remove(id)
  return c.json({ deleted: true })
}

function notFound(): Response {
  return errorResponse(404, 'not_found', 'No such conversation.')
}

function waitUntil(c: Context, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    work.catch(() => {})
  }
}
