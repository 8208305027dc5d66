import type { ErrorCode } from '../../../protocol/events'
import type { ErrorStatus } from '../errors'

import type { UpstreamKind } from '../../../protocol/upstream-kinds'

export { UPSTREAM_KINDS, type UpstreamKind } from '../../../protocol/upstream-kinds'

/**
 * What the edge sends upstream. `userId` (the conversation's owner) lets the Lambda pass AgentCore's
 * `runtimeUserId`; `history` (earlier turns, compact: app/server/conversation/history.ts) lets an
 * agent that lost its session carry on. Both optional: an upstream that does not know them ignores them.
 */
export interface InvokePayload {
  prompt: string
  sessionId: string
  /** The prompt of the last exchange this one replaces (edit, regenerate, retry). */
  replaces?: string
  userId?: string
  history?: Array<{ role: 'user' | 'assistant'; text: string }>
  /** The id to number the answer's events from, for an upstream that numbers them (protocol/request.ts). */
  firstEventId?: number
}

/**
 * `body` is the project's event stream (protocol/events.ts) as SSE bytes, whatever the path: the
 * browser cannot tell which one served it. A failure before the first byte is one of our JSON errors.
 */
export type OpenResult =
  | {
      ok: true
      body: ReadableStream<Uint8Array>
      /** The upstream numbers the events from this id (it sent FIRST_EVENT_ID_HEADER); absent: they come without ids. */
      firstEventId?: number
    }
  | {
      ok: false
      status: ErrorStatus
      code: ErrorCode
      message: string
      /** Trying again may work (throttled, unavailable, timed out). */
      retryable?: boolean
      /** The upstream's Retry-After, when it sent one. */
      retryAfter?: string
      /** The request may have reached the agent (a timeout, a 5xx): stop it rather than leave it running. */
      mayRun?: boolean
    }

export interface CancelOutcome {
  /** The upstream's HTTP status, or 0 when it could not be reached. */
  status: number
  cancelled: boolean
  method?: string
}

/** One path to the agent: opening an answer's stream and stopping a session's answer. */
export interface Upstream {
  readonly kind: UpstreamKind
  /** Opens the answer's stream; `signal` aborts it (and its body later: the client went away). */
  open(payload: InvokePayload, signal: AbortSignal): Promise<OpenResult>
  /** Asks the agent to stop the session's answer. Never throws. */
  cancel(sessionId: string): Promise<CancelOutcome>
}
