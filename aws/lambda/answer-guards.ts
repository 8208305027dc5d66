/**
 * What ends a streamed answer early and keeps a quiet one open, the same for every function that
 * streams one (the proxy, aws/lambda/invoke.ts; the agent-in-Lambda, aws/lambda-agent/answer.ts):
 * the client leaving (the response connection broke: aws/lambda/response.ts) and the function's own
 * deadline both call `stop`, each logged once; the heartbeat sends `: ping` while the answer is silent.
 */
import type { Context } from 'aws-lambda'
import { startHeartbeat } from './heartbeat'
import type { Logger } from './log'
import type { EventStream } from './response'

/** Time kept back before the function timeout to end the stream properly (error + done) and cancel. */
export const DEADLINE_RESERVE_MS = 2_500

/** Calls `onDeadline` once `inMs` have passed (at once when none are left); `reached` says whether it did. */
export function startDeadline(inMs: number, onDeadline: () => void) {
  let reached = false
  const timer = setTimeout(() => {
    reached = true
    onDeadline()
  }, Math.max(0, inMs))
  return {
    get reached() {
      return reached
    },
    clear: () => clearTimeout(timer),
  }
}

export function guardAnswer(
  out: EventStream,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  log: Logger,
  heartbeatMs: number,
  stop: () => void,
) {
  const started = Date.now()
  out.onGone(() => {
    log.warn('client_gone', { ms: Date.now() - started })
    stop()
  })
  // Lambda kills the function at its timeout, mid-stream and without `done`: end the answer a little before.
  const deadline = startDeadline(context.getRemainingTimeInMillis() - DEADLINE_RESERVE_MS, () => {
    log.warn('deadline_reached', { ms: Date.now() - started })
    stop()
  })
  const heartbeat = startHeartbeat(heartbeatMs, () => void out.ping())
  return {
    /** Whether the deadline ended the answer. */
    get outOfTime() {
      return deadline.reached
    },
    /** Something was sent: the heartbeat waits its full interval again. */
    touch: () => heartbeat.touch(),
    /** The answer is over: no more pings, no deadline. */
    clear() {
      heartbeat.stop()
      deadline.clear()
    },
  }
}
