/**
 * The conversation outlives the Python agent's session (issue 10, as aws/local/session-loss.test.ts
 * shows for the TypeScript agent): the edge sends the conversation's earlier turns with every prompt,
 * the Lambda passes them in the agent's payload, and a Python agent whose session is fresh seeds it
 * from them (aws/agent-python/seed_history.py). The session is lost two ways here: StopRuntimeSession
 * through the AgentCore emulator (which ends the session as its microVM's end would: the agent is told
 * over its local control channel, aws/local/python/agent.ts), and the hard way: the agent's process is
 * killed and a new one starts on the same port, as a crashed container is replaced. Local
 * chain: API Gateway emulator → the Lambda bundle under aws-lambda-ric → AgentCore emulator →
 * aws/agent-python/agent.py on the offline model, whose answer names the previous prompt it has in
 * context ("Earlier you asked: “…” — this is turn N").
 */
import { BedrockAgentCoreClient, StopRuntimeSessionCommand } from '@aws-sdk/client-bedrock-agentcore'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compactHistory } from '../../../app/server/conversation/history'
import type { HistoryMessage } from '../../../protocol/request'
import type { AgentConfig } from '../../agent/config'
import { LOCAL_REGION, startLocalCloud, type LocalCloud } from '../cloud'
import { LOCAL_PROXY_CREDENTIAL } from '../proxy-env'
import { upstreamTurn } from '../upstream-turn'
import { startPythonAgent, type RunningPythonAgent } from './agent'

const agentConfig: Partial<AgentConfig> = { offline: { firstTokenMs: 0, tokensPerSecond: 2000 } }
let cloud: LocalCloud<RunningPythonAgent>
/** The agent that took the crashed one's place (the cloud stops only the one it started). */
let replacement: RunningPythonAgent | undefined

beforeAll(async () => {
  cloud = await startLocalCloud({ agentRuntime: 'python', agent: agentConfig })
})
afterAll(async () => {
  await replacement?.close()
  await cloud?.stop()
})

const session = (name: string) => `py-session-loss-${name}-${crypto.randomUUID()}`

const turn = (body: Parameters<typeof upstreamTurn>[1]) => upstreamTurn(cloud, body)

/** Kills the running Python agent (every session it held goes with it) and starts a new one on its port. */
async function crashAndReplaceAgent(): Promise<void> {
  const current = replacement ?? cloud.agent
  const exited = new Promise((resolve) => current.process.once('exit', resolve))
  current.process.kill('SIGKILL')
  await exited
  replacement = await startPythonAgent({ port: current.port, config: { ...agentConfig, modelId: undefined, logLevel: 'warn' } })
  expect(replacement.url).toBe(cloud.agentUrl)
  expect(replacement.process.pid).not.toBe(current.process.pid)
}

async function stopSession(sessionId: string): Promise<void> {
  // Signed as the Lambda signs (its role's keys), which the emulator verifies.
  const agentCore = new BedrockAgentCoreClient({ endpoint: cloud.agentCoreEndpoint, region: LOCAL_REGION, credentials: LOCAL_PROXY_CREDENTIAL })
  try {
    await agentCore.send(new StopRuntimeSessionCommand({ agentRuntimeArn: cloud.agentRuntimeArn, qualifier: 'DEFAULT', runtimeSessionId: sessionId }))
  } finally {
    agentCore.destroy()
  }
  // The emulator's default (stopSession `terminate`): the agent forgets the session, and says so.
  expect(cloud.agentCore.events).toContainEqual({ type: 'stop-session', sessionId, inFlight: 0, forgotten: true })
  await expect.poll(() => cloud.agent.forgotten).toContain(sessionId)
}

// StopRuntimeSession first: the cloud's AgentCore emulator tells the agent it started, which the crash tests replace.
describe('a conversation whose Python agent session was stopped (StopRuntimeSession)', () => {
  it('the next turn still has the first turn in context, from the history', async () => {
    const sessionId = session('stopped')
    const first = 'Plan a slow weekend in Kyoto'
    const answer = await turn({ prompt: first, sessionId })
    await stopSession(sessionId)
    const second = await turn({ prompt: 'And where should I eat?', sessionId, history: compactHistory([{ prompt: first, answer, status: 'done' }]) })
    expect(second).toContain(`Earlier you asked: “${first}” — this is turn 2 of our conversation.`)
  })

  it('without the history the stopped session starts over (the stop really ended what the agent knew)', async () => {
    const sessionId = session('stopped-control')
    await turn({ prompt: 'Plan a slow weekend in Kyoto', sessionId })
    await stopSession(sessionId)
    expect(await turn({ prompt: 'And where should I eat?', sessionId })).not.toContain('Earlier you asked')
  })
})

describe('a conversation whose Python agent lost its session', () => {
  it('after the agent process is replaced, the next turn still has the first turn in context, from the history', async () => {
    const sessionId = session('crash')
    const first = 'Plan a slow weekend in Kyoto'
    const answer = await turn({ prompt: first, sessionId })
    expect(answer).not.toContain('Earlier you asked')
    // The same session, before the crash, remembers by itself.
    expect(await turn({ prompt: 'Still with me?', sessionId })).toContain(`Earlier you asked: “${first}” — this is turn 2 of our conversation.`)
    await crashAndReplaceAgent()

    const history = compactHistory([
      { prompt: first, answer, status: 'done' },
      { prompt: 'Still with me?', answer: 'Yes.', status: 'done' },
    ])
    const third = await turn({ prompt: 'And where should I eat?', sessionId, history })
    expect(third).toContain('Earlier you asked: “Still with me?” — this is turn 3 of our conversation.')
  })

  it('without the history the replaced agent starts the session over (the crash really ended what it knew)', async () => {
    const sessionId = session('control')
    await turn({ prompt: 'Plan a slow weekend in Kyoto', sessionId })
    await crashAndReplaceAgent()
    const second = await turn({ prompt: 'And where should I eat?', sessionId })
    expect(second).not.toContain('Earlier you asked')
  })
})
