/**
 * POST /invoke after validation: opens the 200 event stream, relays the agent's answer as the
 * project's events while it arrives, keeps the connection alive while the agent is silent, and always
 * ends with `done`. Nothing in here throws: from the first byte on, failures are events.
 */
import type { Writable } from 'node:stream'
import type { Context } from 'aws-lambda'
import { SESSION_HEADER, type EventMap, type EventType, type StopReason } from '../../protocol/events'
import type { InvokeRequest } from '../../protocol/request'
import { agentFailureEvent } from './agent-errors'
import { invokeAgent } from './agentcore'
import { createAgentStreamNormalizer } from './agent-stream'
import { cancelSession } from './cancel'
import type { LambdaConfig } from './config'
import { startHeartbeat } from './heartbeat'
import type { Logger } from './log'
import { openEventStream } from './response'

/** Time kept back before the function timeout to end the stream properly (error + done) and cancel. */
export const DEADLINE_RESERVE_MS = 2_500

export async function relayAnswer(
  config: LambdaConfig,
  request: InvokeRequest & { sessionId: string },
  responseStream: Writable,
  context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
  log: Logger,
): Promise<void> {
  const { sessionId, prompt } = request
  const started = Date.now()
  const out = openEventStream(responseStream, { [SESSION_HEADER]: sessionId, 'X-Request-Id': context.awsRequestId })
  const abort = new AbortController()
  let cancelling: Promise<unknown> | undefined
  const stopAgent = () => {
    abort.abort()
    cancelling ??= cancelSession(config, sessionId, log).catch((err) => log.error('cancel_failed', { err }))
  }
  out.onGone(() => {
    // The response connection broke: stop reading, and stop the agent (it would keep running and billing).
    log.warn('client_gone', { ms: Date.now() - started })
    stopAgent()
  })
  // Lambda kills the function at its timeout, mid-stream and without `done`: end the answer a little before.
  let outOfTime = false
  const deadline = setTimeout(
    () => {
      log.warn('deadline_reached', { ms: Date.now() - started })
      outOfTime = true
      stopAgent()
    },
    Math.max(0, context.getRemainingTimeInMillis() - DEADLINE_RESERVE_MS),
  )

  const counts: Partial<Record<EventType, number>> = {}
  let firstTextMs: number | undefined
  const heartbeat = startHeartbeat(config.heartbeatMs, () => void out.ping())
  const emit = async <K extends EventType>(type: K, data: EventMap[K]) => {
    heartbeat.touch()
    counts[type] = (counts[type] ?? 0) + 1
    if (type === 'text' && firstTextMs === undefined) firstTextMs = Date.now() - started
    await out.write(type, data)
  }

  log.info('invoke_start', { promptChars: prompt.length, ...(config.logPrompts ? { prompt } : {}) })
  await emit('meta', { sessionId, requestId: context.awsRequestId })

  const skipped = new Set<string>()
  const normalizer = createAgentStreamNormalizer((shape) => {
    if (!skipped.has(shape)) log.warn('agent_shape_skipped', { shape })
    skipped.add(shape)
  })
  let stopReason: StopReason
  let phase: 'request' | 'stream' = 'request'
  try {
    const agent = await invokeAgent(config, sessionId, prompt, abort.signal)
    phase = 'stream'
    if (/^text\/event-stream/i.test(agent.contentType)) {
      for await (const chunk of agent.body) {
        for (const e of normalizer.push(chunk)) await emit(e.type, e.data)
        if (out.gone) break
      }
      for (const e of normalizer.end()) await emit(e.type, e.data)
    } else {
      // A non-streaming agent: one JSON (or text) body, mapped like one SSE message.
      const chunks: Uint8Array[] = []
      for await (const chunk of agent.body) chunks.push(chunk)
      for (const e of normalizer.mapper.map(undefined, Buffer.concat(chunks).toString('utf8'))) await emit(e.type, e.data)
    }
    stopReason = out.gone ? 'cancelled' : normalizer.mapper.failed ? 'error' : (normalizer.mapper.stopReason ?? 'end_turn')
  } catch (err) {
    if (out.gone) {
      stopReason = 'cancelled'
    } else if (outOfTime) {
      await emit('error', { code: 'upstream_timeout', message: 'The answer took longer than this service allows.', retryable: false })
      stopReason = 'error'
    } else {
      log.error('agent_failed', { err, phase })
      await emit('error', agentFailureEvent(err, phase))
      stopReason = 'error'
    }
  } finally {
    heartbeat.stop()
    clearTimeout(deadline)
  }
  await emit('done', { stopReason })
  await out.end()
  // Lambda freezes the process when the handler returns: a cancel in flight must finish first.
  await cancelling
  log.info('invoke_end', { stopReason, ms: Date.now() - started, firstTextMs, events: counts, skippedShapes: [...skipped] })
}
