/**
 * The protocol's own events, as this project's agent sends them (aws/agent/turn.ts):
 * `event: <type>` and `data: <json>`, the wire format of every hop (protocol/events.ts). Their data is
 * checked against the protocol's shape and then passed on as it is: same type, same data.
 */
import { z } from 'zod'
import type { ErrorCode, EventType, StopReason, StreamEvent } from '../../protocol/events'

// Every code of protocol/events.ts's ErrorCode: the Record makes the compiler fail when one is added there and not here.
const ERROR_CODES: Record<ErrorCode, true> = {
  invalid_json: true,
  invalid_request: true,
  prompt_required: true,
  prompt_too_large: true,
  invalid_session_id: true,
  unsupported_media_type: true,
  payload_too_large: true,
  request_timeout: true,
  rate_limited: true,
  not_found: true,
  method_not_allowed: true,
  upstream_unreachable: true,
  upstream_timeout: true,
  upstream_auth: true,
  upstream_error: true,
  upstream_bad_response: true,
  stream_interrupted: true,
  agent_error: true,
  agent_unavailable: true,
  session_busy: true,
  internal_error: true,
  unauthorized: true,
  conversation_busy: true,
  conversation_limit: true,
  conversation_full: true,
  turn_timeout: true,
}
const STOP_REASONS: Record<StopReason, true> = { end_turn: true, max_tokens: true, cancelled: true, error: true }

const count = z.number().int().nonnegative()
const schemas = {
  meta: z.object({ sessionId: z.string(), requestId: z.string() }),
  text: z.object({ text: z.string() }),
  tool: z.object({ name: z.string(), status: z.enum(['start', 'end', 'error']), id: z.string().optional(), input: z.unknown().optional(), result: z.string().optional() }),
  usage: z.object({ inputTokens: count.optional(), outputTokens: count.optional(), latencyMs: z.number().nonnegative().optional(), modelId: z.string().max(256).optional() }),
  // An error event's message reaches the user: a client-safe sentence, not a stack trace.
  error: z.object({ code: z.enum(Object.keys(ERROR_CODES) as [ErrorCode]), message: z.string().max(500), retryable: z.boolean() }),
  done: z.object({ stopReason: z.enum(Object.keys(STOP_REASONS) as [StopReason]) }),
} satisfies Record<EventType, z.ZodType>

export type OwnEvent = { event: StreamEvent } | { done: StopReason } | { meta: true }

/**
 * The event, when `eventName` is one of the protocol's and `data` has its shape; undefined otherwise
 * (another agent's message, left to aws/lambda/agent-events.ts). `done` and `meta` are returned apart:
 * the Lambda writes its own meta first and its own done last (aws/lambda/invoke.ts).
 */
export function ownEvent(eventName: string | undefined, data: unknown): OwnEvent | undefined {
  if (eventName === undefined || !Object.hasOwn(schemas, eventName)) return undefined
  const type = eventName as EventType
  const parsed = schemas[type].safeParse(data)
  if (!parsed.success) return undefined
  if (type === 'done') return { done: (data as { stopReason: StopReason }).stopReason }
  if (type === 'meta') return { meta: true }
  return { event: { type, data } as StreamEvent }
}
