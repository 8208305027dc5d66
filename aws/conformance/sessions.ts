/**
 * AgentCore's session semantics as the cancel path meets them (aws/lambda/cancel.ts): what a second
 * InvokeAgentRuntime on a session that is still streaming does, and what StopRuntimeSession leaves.
 * Measured with the AWS SDK client against whichever AgentCore the target has.
 */
import { InvokeAgentRuntimeCommand, StopRuntimeSessionCommand, type BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore'
import type { BusySessionMode } from '../local/agentcore/behaviour'

export interface AgentCoreRef {
  client: BedrockAgentCoreClient
  runtimeArn: string
  qualifier: string
}

export function invokeRuntime(ref: AgentCoreRef, sessionId: string, payload: object, signal?: AbortSignal) {
  return ref.client.send(
    new InvokeAgentRuntimeCommand({
      agentRuntimeArn: ref.runtimeArn,
      qualifier: ref.qualifier,
      runtimeSessionId: sessionId,
      contentType: 'application/json',
      accept: 'text/event-stream',
      payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
    { abortSignal: signal },
  )
}

export const stopRuntimeSession = (ref: AgentCoreRef, sessionId: string) =>
  ref.client.send(new StopRuntimeSessionCommand({ agentRuntimeArn: ref.runtimeArn, qualifier: ref.qualifier, runtimeSessionId: sessionId }))

type Output = Awaited<ReturnType<typeof invokeRuntime>>

/** Iterates an invocation's streamed body. */
export function bodyOf(out: Output): AsyncIterator<Uint8Array> {
  return (out.response as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
}

/** Reads the rest of a body: 'ended' or 'cut'. */
export async function finish(it: AsyncIterator<Uint8Array>): Promise<'ended' | 'cut'> {
  try {
    while (!(await it.next()).done);
    return 'ended'
  } catch {
    return 'cut'
  }
}

export interface BusySessionObservation {
  mode: BusySessionMode
  /** How the second invocation settled: its error's name and status, or ok. */
  second: { outcome: 'ok' | 'error'; errorName?: string; status?: number; message?: string }
  /** Whether the first invocation was still streaming when the second settled. */
  firstStillStreaming: boolean
  firstEnded: 'ended' | 'cut'
  secondSettledMs: number
  firstEndedMs: number
}

/**
 * Starts an answer on a fresh session and, once its first chunk has arrived, sends a second
 * invocation whose payload the agent refuses at once (`{}`: no prompt): the agent's refusal comes back
 * as RuntimeClientError (424) as soon as the agent sees it. Settled while the first still streams with
 * the agent's refusal → `run`; with an error of AgentCore's own → `reject`; only after the first
 * ended → `queue`.
 */
export async function observeBusySession(ref: AgentCoreRef, sessionId: string, firstPayload: object): Promise<BusySessionObservation> {
  const t0 = performance.now()
  const first = bodyOf(await invokeRuntime(ref, sessionId, firstPayload))
  await first.next()
  let firstEndedMs = -1
  const firstDone = finish(first).then((how) => {
    firstEndedMs = performance.now() - t0
    return how
  })
  const second = await invokeRuntime(ref, sessionId, {}).then(
    async (out) => {
      await finish(bodyOf(out))
      return { outcome: 'ok' as const }
    },
    (err: { name?: string; message?: string; $metadata?: { httpStatusCode?: number } }) => ({
      outcome: 'error' as const,
      errorName: err.name,
      status: err.$metadata?.httpStatusCode,
      message: err.message,
    }),
  )
  const secondSettledMs = performance.now() - t0
  const firstStillStreaming = firstEndedMs < 0
  const firstEnded = await firstDone
  const fromAgent = second.outcome === 'ok' || second.errorName === 'RuntimeClientError'
  const mode: BusySessionMode = !firstStillStreaming ? 'queue' : fromAgent ? 'run' : 'reject'
  return { mode, second, firstStillStreaming, firstEnded, secondSettledMs: round(secondSettledMs), firstEndedMs: round(firstEndedMs) }
}

export interface StopObservation {
  stopStatus: number | undefined
  /** What became of the answer that was streaming when the session was stopped. */
  running: 'ended' | 'cut'
  /** A second StopRuntimeSession on the same id. */
  secondStop: { outcome: 'ok' } | { outcome: 'error'; errorName?: string; status?: number }
  /** An invocation on the same id afterwards. */
  reuse: 'ok' | string
}

export async function observeStopSession(ref: AgentCoreRef, sessionId: string, longPayload: object, afterPayload: object): Promise<StopObservation> {
  const running = bodyOf(await invokeRuntime(ref, sessionId, longPayload))
  await running.next()
  const stopped = await stopRuntimeSession(ref, sessionId)
  const how = await finish(running)
  const secondStop = await stopRuntimeSession(ref, sessionId).then(
    () => ({ outcome: 'ok' as const }),
    (err: { name?: string; $metadata?: { httpStatusCode?: number } }) => ({ outcome: 'error' as const, errorName: err.name, status: err.$metadata?.httpStatusCode }),
  )
  const reuse = await invokeRuntime(ref, sessionId, afterPayload).then(
    async (out) => ((await finish(bodyOf(out))) === 'ended' ? 'ok' : 'cut'),
    (err: { name?: string }) => `error ${err.name}`,
  )
  return { stopStatus: stopped.statusCode, running: how, secondStop, reuse }
}

const round = (ms: number) => Math.round(ms)
