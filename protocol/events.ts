/**
 * The stream protocol: one vocabulary for every hop (agent → Lambda → API Gateway → Worker → browser).
 *
 * On the wire each event is `event: <type>\ndata: <json>\n\n`; `: ping …\n\n` comments (PING) are heartbeats.
 * The JSON is always produced by JSON.stringify (see `formatEvent`), never by interpolation.
 */

export type StopReason = 'end_turn' | 'max_tokens' | 'cancelled' | 'error'

export interface MetaEvent {
  /** The AgentCore runtime session id (33–256 chars of [A-Za-z0-9_-]). */
  sessionId: string
  /** The id of the hop that emitted this meta event (Worker request id, Lambda request id). */
  requestId: string
}
export interface TextEvent {
  text: string
}
export interface ToolEvent {
  name: string
  /** `start` when the agent calls the tool; `end` when it returned; `error` when it failed. */
  status: 'start' | 'end' | 'error'
  id?: string
  /** The tool's input (on `start`), as the model gave it. */
  input?: unknown
  /** The tool's result as text (on `end` / `error`), cut to a couple of thousand characters. */
  result?: string
}
export interface UsageEvent {
  inputTokens?: number
  outputTokens?: number
  latencyMs?: number
  /** The model that answered (a Bedrock model id, or `offline`): the page prices the tokens by it. */
  modelId?: string
}
export interface ErrorEvent {
  code: ErrorCode
  message: string
  retryable: boolean
}
export interface DoneEvent {
  stopReason: StopReason
}

export interface EventMap {
  meta: MetaEvent
  text: TextEvent
  tool: ToolEvent
  usage: UsageEvent
  error: ErrorEvent
  done: DoneEvent
}
export type EventType = keyof EventMap
export type StreamEvent = { [K in EventType]: { type: K; data: EventMap[K] } }[EventType]

export const EVENT_TYPES: readonly EventType[] = ['meta', 'text', 'tool', 'usage', 'error', 'done']

/**
 * Every error code the project emits, as a JSON body `{"error":{code,message}}` (HTTP errors before
 * the stream starts) or as an `error` event (after the first byte).
 */
export type ErrorCode =
  // 4xx: the request is wrong; never forwarded upstream
  | 'invalid_json'
  | 'invalid_request'
  | 'prompt_required'
  | 'prompt_too_large'
  | 'invalid_session_id'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'request_timeout' // the request body did not arrive in time
  | 'rate_limited'
  | 'not_found'
  | 'method_not_allowed'
  // upstream failures
  | 'upstream_unreachable'
  | 'upstream_timeout'
  | 'upstream_auth'
  | 'upstream_error'
  | 'upstream_bad_response'
  | 'stream_interrupted'
  | 'agent_error'
  | 'agent_unavailable'
  | 'session_busy' // the agent is still answering an earlier prompt of the same session
  | 'internal_error'
  // conversations (app/server/conversation): ownership, limits, turns
  | 'unauthorized' // a forged, expired or foreign-audience identity cookie or JWT
  | 'conversation_busy' // a turn is already running in this conversation
  | 'conversation_limit' // the owner has as many conversations as allowed
  | 'conversation_full' // the conversation holds as many bytes as allowed
  | 'turn_timeout' // the turn ran longer than the maximum turn time

const encoder = new TextEncoder()

/** Serializes one event to its SSE text. */
export function formatEvent<K extends EventType>(type: K, data: EventMap[K]): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`
}

/** Serializes one event to UTF-8 bytes, ready to write to a stream. */
export function encodeEvent<K extends EventType>(type: K, data: EventMap[K]): Uint8Array {
  return encoder.encode(formatEvent(type, data))
}

/**
 * The heartbeat comment sent while the agent is silent. Parsers ignore it. Its text is padded so that
 * it is not shorter than MIN_FRAME_BYTES, like every event.
 */
export const PING = ': ping (the answer is still running)\n\n'

/**
 * No event or comment on the wire is shorter than this: the smallest is a `text` event with empty text
 * (31 bytes); `usage` always carries a figure (aws/lambda/agent-events.ts, aws/agent/turn.ts); PING is
 * padded. The conversation's reader of the upstream (app/server/conversation/conversation.ts) asks for
 * at least this many bytes when it stands between two events, which cannot hold back a whole one.
 */
export const MIN_FRAME_BYTES = 29

/** The JSON body of every HTTP error response: `{"error":{"code","message"}}`. */
export interface ErrorBody {
  /** `retryable: true` when trying again later may work (503 agent_unavailable, 504 upstream_timeout). */
  error: { code: ErrorCode; message: string; retryable?: boolean }
}

export function errorBody(code: ErrorCode, message: string, retryable?: boolean): ErrorBody {
  return { error: retryable === undefined ? { code, message } : { code, message, retryable } }
}

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
} as const

/**
 * The watch socket, `GET /api/conversations/:id/watch` (a WebSocket): how a page open on a chat
 * learns of turns it did not start (another tab, a script). It carries no answer — that streams on
 * the events route — only one JSON message per change: the latest turn and whether it runs, sent
 * when the socket opens, when a turn starts and when it ends. A page that is not reading a turn and
 * hears of one it does not show (or of one running) loads the chat again and follows the answer.
 */
export interface WatchTurn {
  type: 'turn'
  /** The conversation's latest turn (0: none yet). */
  turn: number
  running: boolean
}
export type WatchMessage = WatchTurn

/** Sent by the page as a keepalive; the conversation answers WATCH_PONG without waking (hibernation's auto-response). */
export const WATCH_PING = 'ping'
export const WATCH_PONG = 'pong'
/** The close code of a watch socket whose conversation was deleted: the page stops watching it. */
export const WATCH_CLOSE_DELETED = 4404

/** The response header that carries the session id (also in the first `meta` event). */
export const SESSION_HEADER = 'X-Session-Id'

/**
 * Event ids given by the upstream. The conversation (app/server/conversation/conversation.ts) sends
 * `firstEventId` in the invoke body (protocol/request.ts); an upstream that honours it writes every
 * event of its stream with an `id:` line, counting up from that id by one per event (heartbeat
 * comments get none), and says so with this response header, whose value is that first id. The
 * conversation can then relay the body to its first reader as it comes, natively, without reading
 * each event in JavaScript first. An upstream without the header is numbered by the conversation.
 */
export const FIRST_EVENT_ID_HEADER = 'X-First-Event-Id'

/** One event's SSE text with an id line first (`formatEvent` for a stream the upstream numbers). */
export function formatIdentifiedEvent<K extends EventType>(id: number, type: K, data: EventMap[K]): string {
  return `id: ${id}\n${formatEvent(type, data)}`
}
