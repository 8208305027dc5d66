/**
 * The conversation outlives the agent's session (issue 10): the edge sends the conversation's
 * earlier turns with every prompt and its owner as the user id; the Lambda passes the user id to
 * AgentCore as runtimeUserId and the history in the agent's payload; an agent whose session is fresh
 * (here: StopRuntimeSession through the AgentCore emulator between two turns) seeds it from the
 * history, and one that still has its session ignores it. The offline model's answer names the
 * previous prompt it has in context ("Earlier you asked: “…” — this is turn N"), so what the agent
 * remembered is visible in the answer. Local chain: API Gateway emulator → the Lambda bundle under
 * aws-lambda-ric → AgentCore emulator → the TypeScript agent on the offline model.
 */
import { BedrockAgentCoreClient, StopRuntimeSessionCommand } from '@aws-sdk/client-bedrock-agentcore'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactHistory } from '../../app/server/conversation/history'
import type { HistoryMessage } from '../../protocol/request'
import { LOCAL_REGION, startLocalCloud, type LocalCloud } from './cloud'
import { LOCAL_PROXY_CREDENTIAL } from './proxy-env'
import { upstreamTurn } from './upstream-turn'

let cloud: LocalCloud
let agentCore: BedrockAgentCoreClient

beforeAll(async () => {
  cloud = await startLocalCloud({ agent: { offline: { firstTokenMs: 0, tokensPerSecond: 2000 } } })
  // Signed as the Lambda signs (its role's keys), which the emulator verifies.
  agentCore = new BedrockAgentCoreClient({ endpoint: cloud.agentCoreEndpoint, region: LOCAL_REGION, credentials: LOCAL_PROXY_CREDENTIAL })
})
afterAll(async () => {
  agentCore?.destroy()
  await cloud?.stop()
})

const session = (name: string) => `session-loss-${name}-${crypto.randomUUID()}`
const USER = 'anon_6f0d3c1e-8b2a-4d57-9c1e-2a7b5e9f4d30'

const turn = (body: Parameters<typeof upstreamTurn>[1]) => upstreamTurn(cloud, body)

/** The edge's history after one finished turn, built by the edge's own code. */
function historyAfter(prompt: string, answer: string): HistoryMessage[] {
  return compactHistory([{ prompt, answer, status: 'done' }])
}

async function stopSession(sessionId: string): Promise<void> {
  await agentCore.send(new StopRuntimeSessionCommand({ agentRuntimeArn: cloud.agentRuntimeArn, qualifier: 'DEFAULT', runtimeSessionId: sessionId }))
  // The emulator's default (stopSession `terminate`, aws/local/agentcore/behaviour.ts): the agent forgets the session, as a microVM's end does.
  expect(cloud.agentCore.events).toContainEqual({ type: 'stop-session', sessionId, inFlight: 0, forgotten: true })
  await expect.poll(() => cloud.agent.sessions.peek(sessionId)).toBeUndefined()
}

describe('a conversation whose agent session ended', () => {
  it('after StopRuntimeSession the next turn still has the first turn in context, from the history', async () => {
    const sessionId = session('stopped')
    const first = 'Plan a slow weekend in Kyoto'
    const answer = await turn({ prompt: first, sessionId, userId: USER })
    expect(answer).not.toContain('Earlier you asked')
    await stopSession(sessionId)

    const second = await turn({ prompt: 'And where should I eat?', sessionId, userId: USER, history: historyAfter(first, answer) })
    expect(second).toContain(`Earlier you asked: “${first}” — this is turn 2 of our conversation.`)
    // The agent's session now holds both turns, as if it had never lost the first.
    expect(cloud.agent.sessions.peek(sessionId)?.agent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant'])
  })

  it('without the history the stopped session starts over (the stop really ended what the agent knew)', async () => {
    const sessionId = session('control')
    await turn({ prompt: 'Plan a slow weekend in Kyoto', sessionId, userId: USER })
    await stopSession(sessionId)
    const second = await turn({ prompt: 'And where should I eat?', sessionId, userId: USER })
    expect(second).not.toContain('Earlier you asked')
  })

  it('a session that still has its turns ignores the history the edge sends', async () => {
    const sessionId = session('alive')
    await turn({ prompt: 'First question here', sessionId, userId: USER })
    const history = [
      { role: 'user' as const, text: 'A prompt the agent never saw' },
      { role: 'assistant' as const, text: 'An answer it never gave' },
    ]
    const second = await turn({ prompt: 'Second question', sessionId, userId: USER, history })
    expect(second).toContain('Earlier you asked: “First question here” — this is turn 2 of our conversation.')
    expect(second).not.toContain('never saw')
  })

  it('passes the user id to AgentCore as runtimeUserId (the emulator records it) and leaves it out when there is none', async () => {
    const withUser = session('user')
    await turn({ prompt: 'Who am I?', sessionId: withUser, userId: USER })
    expect(cloud.agentCore.events.filter((e) => e.type === 'invoke' && e.sessionId === withUser)).toEqual([
      expect.objectContaining({ type: 'invoke', sessionId: withUser, userId: USER }),
    ])
    const without = session('nouser')
    await turn({ prompt: 'Who am I?', sessionId: without })
    const invoke = cloud.agentCore.events.find((e) => e.type === 'invoke' && e.sessionId === without)
    expect(invoke).toBeDefined()
    expect(invoke).not.toHaveProperty('userId')
  })

  it('refuses a user id AgentCore would refuse, before anything reaches the agent', async () => {
    const sessionId = session('baduser')
    const res = await cloud.workerFetch(cloud.invokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ prompt: 'hi', sessionId, userId: 'u'.repeat(129) }),
    })
    expect(res.status).toBe(400)
    expect(cloud.agentCore.events.some((e) => e.type === 'invoke' && e.sessionId === sessionId)).toBe(false)
  })
})
