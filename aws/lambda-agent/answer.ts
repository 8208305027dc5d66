/**
 * One answer of the agent running inside this invocation: a fresh Strands agent (aws/agent's agent
 * factory, tools and model) seeded with the history the Worker sent, one turn of aws/agent/turn.ts,
 * its events written to the response stream as the project's SSE events as they come, `meta` first
 * and `done` last, `: ping` while the agent is silent.
 *
 * Stopping: the turn is aborted when the response connection breaks (the only disconnect signal a
 * streaming Lambda has: aws/lambda/response.ts) and shortly before the function's timeout. Nothing
 * else can reach it: a cancel request would run in another execution environment, which does not
 * hold this agent. The handler returns only once the agent loop has unwound (Lambda freezes the
 * process when it returns, and a loop left running would resume in the next invocation).
 */
import type { Writable } from 'node:stream'
import type { Context } from 'aws-lambda'
import type { Model } from '@strands-agents/sdk'
import { SESSION_HEADER, type StopReason } from '../../protocol/events'
import { createConversationAgent } from '../agent/agent-factory'
import { startTurn, type Conversation } from '../agent/turn'
import { guardAnswer } from '../lambda/answer-guards'
import type { Transport } from '../lambda/incoming'
import type { Logger } from '../lambda/log'
import { openEventStream } from '../lambda/response'
import type { LambdaAgentConfig } from './config'
import { countChars, type UpstreamInvokeRequest } from '../../protocol/request'
import { seedHistory } from '../agent/seed-history'

export async function streamAnswer(
  config: LambdaAgentConfig,
  model: Model,
  request: UpstreamInvokeRequest & { sessionId: string },
  responseStream: Writable,
  context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
  log: Logger,
  transport: Transport = 'http',
): Promise<void> {
  const started = Date.now()
  const { sessionId, prompt } = request
  const out = openEventStream(responseStream, { [SESSION_HEADER]: sessionId, 'X-Request-Id': context.awsRequestId }, transport)
  const agent = createConversationAgent(model, config.agent)
  // The agent's only memory on this path: the turns the Worker sent (aws/agent/seed-history.ts).
  const seeded = seedHistory(agent, request.history)
  const conversation: Conversation = { agent }
  // The Worker's history already leaves out an exchange that `replaces` names
  // (app/server/conversation/conversation.ts), so there is nothing here to drop.
  const events = await startTurn(conversation, prompt, { error: (obj, msg) => log.error(msg, { ...obj }) }, undefined)
  const guard = guardAnswer(out, context, log, config.heartbeatMs, () => conversation.turn?.cancel())
  log.info('invoke_start', { promptChars: countChars(prompt), historyMessages: seeded, ...(config.logPrompts ? { prompt } : {}) })

  let stopReason: StopReason = 'end_turn'
  let textEvents = 0
  let firstTextMs: number | undefined
  try {
    await out.write('meta', { sessionId, requestId: context.awsRequestId })
    for await (const e of events) {
      if (e.event === 'text' && textEvents++ === 0) firstTextMs = Date.now() - started
      if (e.event === 'done') {
        stopReason = e.data.stopReason
        if (guard.outOfTime && stopReason === 'cancelled') {
          stopReason = 'error'
          await out.write('error', { code: 'upstream_timeout', message: 'The answer took longer than this service allows.', retryable: false })
        }
        await out.write('done', { stopReason })
        break
      }
      guard.touch()
      await out.write(e.event, e.data)
      if (out.gone) break
    }
  } finally {
    guard.clear()
    // Leaving the loop early (the client went) cancels the turn (aws/agent/turn.ts); wait for it to unwind.
    await events.return(undefined)
    await conversation.turn?.finished
  }
  if (out.gone) stopReason = 'cancelled'
  await out.end()
  log.info('invoke_end', { stopReason, ms: Date.now() - started, firstTextMs, textEvents, cancelled: conversation.turn?.cancelled ?? false })
}
