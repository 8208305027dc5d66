import type { ErrorCode } from '../../../protocol/events'
import type { ErrorStatus } from '../errors'

/**
 * The ways the Worker can reach the agent (issue 13; README "Choosing a path"):
 * - `rest`: API Gateway REST API, response streaming, API key (the default)
 * - `function-url`: a Lambda Function URL in RESPONSE_STREAM mode, AWS_IAM auth (SigV4)
 * - `invoke-stream`: Lambda's InvokeWithResponseStream API, SigV4, event-stream frames
 * - `websocket`: an API Gateway WebSocket API whose Lambda posts the events to the connection
 * - `lambda-agent`: the agent itself inside a streaming Lambda behind a REST API (no AgentCore)
 */
export const UPSTREAM_KINDS = ['rest', 'function-url', 'invoke-stream', 'websocket', 'lambda-agent'] as const
export type UpstreamKind = (typeof UPSTREAM_KINDS)[number]

export interface InvokePayload {
  prompt: string
  sessionId: string
}

/**
 * `body` is the project's event stream (protocol/events.ts) as SSE bytes, whatever the path: the
 * browser cannot tell which one served it. A failure before the first byte is one of our JSON errors.
 */
export type OpenResult =
  | { ok: true; body: ReadableStream<Uint8Array> }
  | { ok: false; status: ErrorStatus; code: ErrorCode; message: string }

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
