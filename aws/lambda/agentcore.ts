/**
 * The AgentCore calls the proxy makes, on one SDK client reused across invocations (created at init,
 * outside the handler, so a warm Lambda keeps its connections).
 */
import { BedrockAgentCoreClient, InvokeAgentRuntimeCommand, StopRuntimeSessionCommand } from '@aws-sdk/client-bedrock-agentcore'

import type { HistoryMessage } from '../../protocol/request'
import type { LambdaConfig } from './config'

export type AgentCoreConfig = Pick<LambdaConfig, 'agentRuntimeArn' | 'qualifier' | 'agentCoreEndpoint'>

let client: BedrockAgentCoreClient | undefined

function agentCoreClient(config: AgentCoreConfig): BedrockAgentCoreClient {
  // agentCoreEndpoint points the SDK at the local AgentCore emulator; unset in AWS.
  client ??= new BedrockAgentCoreClient({ endpoint: config.agentCoreEndpoint })
  return client
}

export interface AgentResponse {
  /** The agent's Content-Type: text/event-stream for a streaming agent, else one complete body. */
  contentType: string
  body: AsyncIterable<Uint8Array>
}

/** One turn for the agent: the session, who asks (AgentCore's runtimeUserId) and the payload's fields. */
export interface AgentTurn {
  sessionId: string
  prompt: string
  replaces?: string
  userId?: string
  /** The conversation so far (the edge's): the agent seeds a fresh session with it and ignores it otherwise (aws/agent/seed-history.ts). */
  history?: HistoryMessage[]
}

/** Starts the agent's answer; resolves when AgentCore's response headers arrive (the body streams after). */
export async function invokeAgent(config: AgentCoreConfig, turn: AgentTurn, signal: AbortSignal): Promise<AgentResponse> {
  const { sessionId, prompt, replaces, userId, history } = turn
  const payload = { prompt, ...(replaces !== undefined && { replaces }), ...(history?.length ? { history } : {}) }
  const out = await invocation(config, sessionId, payload, 'text/event-stream', signal, userId)
  if (!out.response) throw Object.assign(new Error('AgentCore returned no body'), { name: 'EmptyAgentResponse' })
  return { contentType: out.contentType ?? 'text/event-stream', body: out.response as unknown as AsyncIterable<Uint8Array> }
}

/**
 * Asks the agent to stop the session's running answer: the cancel invocation, on the same session.
 * Resolves with whether a turn was running: the agent answers `{"cancelled": true|false}` (aws/agent/app.ts
 * as JSON, aws/agent-python/agent.py as one SSE frame); an answer without it counts as stopped.
 */
export async function sendCancel(config: AgentCoreConfig, sessionId: string, signal: AbortSignal): Promise<boolean> {
  const out = await invocation(config, sessionId, { type: 'cancel' }, 'application/json', signal)
  const body = out.response as unknown as { transformToString?: () => Promise<string>; destroy?: () => void } | undefined
  // The answer is one small object; `signal` (the cancel's timeout) bounds the wait for it.
  const text = await body?.transformToString?.().catch(() => '')
  body?.destroy?.()
  return !/"cancelled"\s*:\s*false/.test(text ?? '')
}

/**
 * One InvokeAgentRuntime call on the session with a JSON payload. `userId` goes as `runtimeUserId`
 * (the X-Amzn-Bedrock-AgentCore-Runtime-User-Id header; the caller then also needs
 * bedrock-agentcore:InvokeAgentRuntimeForUser, aws/lib/streaming-proxy.ts).
 */
function invocation(config: AgentCoreConfig, sessionId: string, payload: object, accept: string, signal: AbortSignal, userId?: string) {
  return agentCoreClient(config).send(
    new InvokeAgentRuntimeCommand({
      agentRuntimeArn: config.agentRuntimeArn,
      qualifier: config.qualifier,
      runtimeSessionId: sessionId,
      ...(userId !== undefined && { runtimeUserId: userId }),
      contentType: 'application/json',
      accept,
      payload: new TextEncoder().encode(JSON.stringify(payload)),
    }),
    { abortSignal: signal },
  )
}

/** Ends the session's microVM: the fallback when the agent does not answer the cancel. */
export async function stopSession(config: AgentCoreConfig, sessionId: string, signal: AbortSignal): Promise<void> {
  await agentCoreClient(config).send(
    new StopRuntimeSessionCommand({ agentRuntimeArn: config.agentRuntimeArn, qualifier: config.qualifier, runtimeSessionId: sessionId }),
    { abortSignal: signal },
  )
}
