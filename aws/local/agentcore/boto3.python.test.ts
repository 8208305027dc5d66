/**
 * AWS's Python SDK as a client of the AgentCore emulator: boto3's `bedrock-agentcore` client
 * (invoke_agent_runtime, stop_runtime_session) at the emulator's endpoint with local credentials, and
 * the Python agent (aws/agent-python) behind it. Whatever boto3 rejects or misreads here is an
 * emulator bug. The client is ./boto3_client.py, run in the agent's venv (boto3 is in its lock).
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeAnswer } from '../../agent/offline-answer'
import { createAgentStreamNormalizer } from '../../lambda/agent-stream'
import { LOCAL_AGENT_RUNTIME_ARN } from '../cloud'
import { startPythonAgent, type RunningPythonAgent } from '../python/agent'
import { runBoto3Script } from '../python/boto3-script'
import { startAgentCore, type AgentCore } from './server'

const CLIENT = fileURLToPath(new URL('./boto3_client.py', import.meta.url))

let agent: RunningPythonAgent
let agentCore: AgentCore

beforeAll(async () => {
  agent = await startPythonAgent({ config: { offline: { firstTokenMs: 50, tokensPerSecond: 200 } } })
  // StopRuntimeSession ends the session at the agent as the microVM's end does (as in the local cloud: aws/local/cloud.ts).
  agentCore = await startAgentCore({ runtimes: { [LOCAL_AGENT_RUNTIME_ARN]: { url: agent.url, forgetSession: (id) => agent.forgetSession(id) } } })
})
afterAll(async () => {
  await agentCore?.stop()
  await agent?.close()
})

type Line = {
  headers?: { runtimeSessionId: string; contentType: string; statusCode: number; requestId: string }
  chunk?: string
  stop?: { runtimeSessionId: string; statusCode: number }
  end?: 'complete' | 'error' | 'closed'
  bytes?: number
  error?: { code: string; message: string; status: number; requestId: string }
}

/** Runs boto3_client.py and returns its JSON lines. */
function boto3(args: string[]): Promise<Line[]> {
  // Local credentials only: the emulator checks the signature's shape, nothing reaches AWS.
  return runBoto3Script<Line>(CLIENT, args, { accessKeyId: 'LOCALACCESSKEY000000', secretAccessKey: 'local-secret-access-key' })
}

const session = (name: string) => `boto3-${name}-`.padEnd(40, 'z')
const invokeArgs = (sessionId: string, payload: object, ...extra: string[]) => ['invoke', agentCore.endpoint, LOCAL_AGENT_RUNTIME_ARN, sessionId, JSON.stringify(payload), ...extra]
const ping = async () => ((await (await fetch(`${agent.url}/ping`)).json()) as { status: string }).status

/** The answer's text, as the Lambda's normalizer reads the agent's stream. */
function answerOf(lines: Line[]): { text: string; stopReason: string | undefined } {
  const n = createAgentStreamNormalizer()
  const enc = new TextEncoder()
  const events = lines.flatMap((l) => (l.chunk ? n.push(enc.encode(l.chunk)) : []))
  events.push(...n.end())
  return { text: events.flatMap((e) => (e.type === 'text' ? [e.data.text] : [])).join(''), stopReason: n.mapper.stopReason }
}

describe('boto3 bedrock-agentcore client → AgentCore emulator → Python agent', () => {
  it('invoke_agent_runtime: the response headers as boto3 reads them, and the streaming body in several chunks', async () => {
    const prompt = 'こんにちは boto3 🎉 words:200'
    const lines = await boto3(invokeArgs(session('invoke'), { prompt }))
    const invoked = agentCore.events.find((e) => e.type === 'invoke' && e.sessionId === session('invoke'))
    expect(lines[0].headers).toEqual({
      runtimeSessionId: session('invoke'),
      contentType: 'text/event-stream; charset=utf-8',
      statusCode: 200,
      requestId: invoked && 'requestId' in invoked ? invoked.requestId : 'missing',
    })
    expect(lines.filter((l) => l.chunk).length).toBeGreaterThan(3)
    expect(lines.at(-1)).toMatchObject({ end: 'complete' })
    const { text, stopReason } = answerOf(lines)
    expect(text).toBe(composeAnswer({ prompt, earlier: [] }))
    expect(stopReason).toBe('end_turn')
  })

  it('stop_runtime_session mid-stream: boto3 reads the answer, the invocation ends early, the agent stops its turn', async () => {
    const id = session('stop')
    const lines = await boto3(invokeArgs(id, { prompt: 'Tell me everything words:3000' }, '--stop-after-bytes', '2000'))
    expect(lines.find((l) => l.stop)?.stop).toEqual({ runtimeSessionId: id, statusCode: 200 })
    expect(lines.at(-1)?.end).toMatch(/^(complete|error)$/)
    // The session ended with its (emulated) microVM: the Python agent confirms it dropped it.
    expect(agentCore.events).toContainEqual({ type: 'stop-session', sessionId: id, inFlight: 1, forgotten: true })
    await expect.poll(() => agent.forgotten).toContain(id)
    expect(agentCore.events).toContainEqual(expect.objectContaining({ type: 'invoke-end', sessionId: id, how: 'session-stopped' }))
    const { text } = answerOf(lines)
    expect(text.length).toBeLessThan(composeAnswer({ prompt: 'Tell me everything words:3000', earlier: [] }).length)
    await expect.poll(ping, { timeout: 10_000 }).toBe('Healthy')
    // The same session id afterwards is a new session: nothing of the stopped turn is in its context.
    const next = await boto3(invokeArgs(id, { prompt: 'Are you there?' }))
    expect(answerOf(next).text).toBe(composeAnswer({ prompt: 'Are you there?', earlier: [] }))
  })

  it('a boto3 caller that closes the stream: the emulator drops the agent request and the agent ends its turn', async () => {
    const id = session('close')
    const lines = await boto3(invokeArgs(id, { prompt: 'Tell me everything words:3000' }, '--close-after-bytes', '2000'))
    expect(lines.at(-1)?.end).toBe('closed')
    await expect.poll(() => agentCore.events.some((e) => e.type === 'invoke-end' && e.sessionId === id && e.how === 'caller-disconnected'), { timeout: 10_000 }).toBe(true)
    await expect.poll(ping, { timeout: 10_000 }).toBe('Healthy')
    // The session's agent is free again (a turn still running would refuse this with ConcurrencyException).
    const next = await boto3(invokeArgs(id, { prompt: 'Are you free?' }))
    expect(answerOf(next).stopReason).toBe('end_turn')
  })

  it('errors reach boto3 as its modeled exceptions with their status codes', async () => {
    const otherArn = LOCAL_AGENT_RUNTIME_ARN.replace('L0ca1Dev00', 'N0tDep1oy0')
    const missing = await boto3(['invoke', agentCore.endpoint, otherArn, session('missing'), '{"prompt":"hi"}'])
    expect(missing.at(-1)?.error).toMatchObject({ code: 'ResourceNotFoundException', status: 404, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    expect(missing.at(-1)?.error?.message).toContain(otherArn)
    const qualifier = await boto3(invokeArgs(session('qualifier'), { prompt: 'hi' }, '--qualifier', 'NOPE'))
    expect(qualifier.at(-1)?.error).toMatchObject({ code: 'ResourceNotFoundException', status: 404 })
    const stopUnknown = await boto3(['stop', agentCore.endpoint, LOCAL_AGENT_RUNTIME_ARN, session('never-started')])
    expect(stopUnknown.at(-1)?.error).toMatchObject({ code: 'ResourceNotFoundException', status: 404 })
    const wrongRegion = await boto3(['invoke', agentCore.endpoint, LOCAL_AGENT_RUNTIME_ARN.replace('us-east-1', 'eu-west-1'), session('region'), '{"prompt":"hi"}'])
    expect(wrongRegion.at(-1)?.error).toMatchObject({ code: 'ValidationException', status: 400 })
  })
})
