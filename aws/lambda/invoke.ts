/**
 * POST /invoke after validation: opens the 200 event stream, relays the agent's answer as the
 * project's events while it arrives, keeps the connection alive while the agent is silent, and always
 * ends with `done`. Nothing in here throws: from the first byte on, failures are events.
 */
import type { Writable } from 'node:stream'
import type { Context } from 'aws-lambda'
import { SESSION_HEADER, type EventMap, type EventType, type StopReason } from '../../protocol/events'
import { countChars, type UpstreamInvokeRequest } from '../../protocol/request'
import { agentFailureEvent } from './agent-errors'
import { invokeAgent, type AgentResponse } from './agentcore'
import { createAgentStreamNormalizer, type AgentStreamNormalizer } from './agent-stream'
import { cancelSession } from './cancel'
import type { LambdaConfig } from './config'
import { guardAnswer } from './answer-guards'
import type { Transport } from './incoming'
import type { Logger } from './log'
import { openEventStream, type EventStream } from './response'

type Emit = <K extends EventType>(type: K, data: EventMap[K]) => Promise<void>

export async function relayAnswer(
  config: LambdaConfig,
  request: UpstreamInvokeRequest & { sessionId: string },
  responseStream: Writable,
  context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
  log: Logger,
  transport: Transport = 'http',
): Promise<void> {
  const { sessionId, prompt } = request
  const started = Date.now()
  const out = openEventStream(responseStream, { [SESSION_HEADER]: sessionId, 'X-Request-Id': context.awsRequestId }, transport, request.firstEventId)
  const agent = agentStopper(config, sessionId, log)
  // The client gone or the time up: stop reading, and stop the agent (it would keep running and billing).
  const guard = guardAnswer(out, context, log, config.heartbeatMs, () => agent.stop())
  const stats = eventStats(started)
  const emit: Emit = async (type, data) => {
    guard.touch()
    stats.count(type)
    await out.write(type, data)
  }

  log.info('invoke_start', { promptChars: countChars(prompt), historyMessages: request.history?.length ?? 0, ...(config.logPrompts ? { prompt } : {}) })
  await emit('meta', { sessionId, requestId: context.awsRequestId })
  const skipped = new Set<string>()
  const normalizer = createAgentStreamNormalizer((shape) => {
    if (!skipped.has(shape)) log.warn('agent_shape_skipped', { shape })
    skipped.add(shape)
  })
  let stopReason: StopReason
  try {
    stopReason = await relayAgent(config, request, agent.signal, normalizer, emit, out)
  } catch (err) {
    stopReason = await reportFailure(err, { gone: out.gone, outOfTime: guard.outOfTime }, emit, log)
  } finally {
    guard.clear()
  }
  await emit('done', { stopReason })
  await out.end()
  // Lambda freezes the process when the handler returns: a cancel in flight must finish first.
  await agent.stopped
  log.info('invoke_end', { stopReason, ms: Date.now() - started, ...stats.summary(), skippedShapes: [...skipped] })
}

/** Calls the agent and relays its answer; resolves with the stop reason, throws what the call or the stream threw. */
async function relayAgent(
  config: LambdaConfig,
  request: UpstreamInvokeRequest & { sessionId: string },
  signal: AbortSignal,
  normalizer: AgentStreamNormalizer,
  emit: Emit,
  out: EventStream,
): Promise<StopReason> {
  let agent: AgentResponse
  try {
    agent = await invokeAgent(config, request, signal)
  } catch (err) {
    throw new AgentCallError(err, 'request')
  }
  try {
    await relayBody(agent, normalizer, emit, out)
  } catch (err) {
    throw new AgentCallError(err, 'stream')
  }
  return out.gone ? 'cancelled' : normalizer.mapper.failed ? 'error' : (normalizer.mapper.stopReason ?? 'end_turn')
}

/** The agent's body as events, each emitted as soon as its chunk has arrived; stops reading when the client has gone. */
async function relayBody(agent: AgentResponse, normalizer: AgentStreamNormalizer, emit: Emit, out: EventStream): Promise<void> {
  if (/^text\/event-stream/i.test(agent.contentType)) {
    for await (const chunk of agent.body) {
      for (const e of normalizer.push(chunk)) await emit(e.type, e.data)
      if (out.gone) break
    }
    for (const e of normalizer.end()) await emit(e.type, e.data)
    return
  }
  // A non-streaming agent: one JSON (or text) body, mapped like one SSE message.
  const chunks: Uint8Array[] = []
  for await (const chunk of agent.body) chunks.push(chunk)
  for (const e of normalizer.mapper.map(undefined, Buffer.concat(chunks).toString('utf8'))) await emit(e.type, e.data)
}

/** A failure of the agent call, and whether it came before the response (request) or during its body (stream). */
class AgentCallError extends Error {
  constructor(
    readonly failure: unknown,
    readonly phase: 'request' | 'stream',
  ) {
    super('agent call failed')
  }
}

/** Turns a failure into the events the client gets (none when it has gone) and the stop reason. */
async function reportFailure(err: unknown, state: { gone: boolean; outOfTime: boolean }, emit: Emit, log: Logger): Promise<StopReason> {
  if (state.gone) return 'cancelled'
  if (state.outOfTime) {
    await emit('error', { code: 'upstream_timeout', message: 'The answer took longer than this service allows.', retryable: false })
    return 'error'
  }
  const { failure, phase } = err instanceof AgentCallError ? err : { failure: err, phase: 'stream' as const }
  log.error('agent_failed', { err: failure, phase })
  await emit('error', agentFailureEvent(failure, phase))
  return 'error'
}

/** Aborts the agent call and cancels the session, once, whoever asks first (client gone, deadline). */
function agentStopper(config: LambdaConfig, sessionId: string, log: Logger) {
  const abort = new AbortController()
  let cancelling: Promise<unknown> | undefined
  return {
    signal: abort.signal,
    stop() {
      abort.abort()
      cancelling ??= cancelSession(config, sessionId, log).catch((err) => log.error('cancel_failed', { err }))
    },
    /** Settles when a cancel that was started has finished (at once when none was). */
    get stopped(): Promise<unknown> {
      return cancelling ?? Promise.resolve()
    },
  }
}

/** What the end-of-invocation log line says about the events sent. */
function eventStats(started: number) {
  const counts: Partial<Record<EventType, number>> = {}
  let firstTextMs: number | undefined
  return {
    count(type: EventType) {
      counts[type] = (counts[type] ?? 0) + 1
      if (type === 'text' && firstTextMs === undefined) firstTextMs = Date.now() - started
    },
    summary: () => ({ firstTextMs, events: counts }),
  }
}
