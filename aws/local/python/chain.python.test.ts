/**
 * The local chain with the Python agent behind AgentCore (`npm run dev -- --agent python`): API Gateway
 * emulator → the Lambda bundle under aws-lambda-ric → AgentCore emulator → aws/agent-python/agent.py
 * (BedrockAgentCoreApp + Strands Agent, offline model) in its own process. The checks the TypeScript
 * agent's chain passes (aws/local/cloud.test.ts, e2e/chain.test.ts), here with the Python one.
 */
import { createParser } from 'eventsource-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeAnswer } from '../../agent/offline-answer'
import { startLocalCloud, type LocalCloud } from '../cloud'
import type { RunningPythonAgent } from './agent'

let cloud: LocalCloud<RunningPythonAgent>

beforeAll(async () => {
  cloud = await startLocalCloud({
    agentRuntime: 'python',
    agent: { offline: { firstTokenMs: 50, tokensPerSecond: 200 } },
    ...(process.env.CHAIN_LOG ? { log: (source: string, line: string) => console.log(`[${source}] ${line}`) } : {}),
  })
})
afterAll(() => cloud?.stop())

const sessionId = (name: string) => `py-chain-${name}-`.padEnd(40, 'x')

function invoke(body: unknown, signal?: AbortSignal) {
  return cloud.workerFetch(cloud.invokeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
    signal,
  })
}

type Event = { type: string; data: Record<string, unknown> }

/** Reads the whole event stream, recording how many reads brought text (streamed, not buffered). */
async function readEvents(res: Response, onText?: (text: string) => void): Promise<{ events: Event[]; textReads: number }> {
  const events: Event[] = []
  let textReads = 0
  const parser = createParser({ onEvent: (e) => events.push({ type: e.event ?? 'message', data: JSON.parse(e.data) }) })
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    const before = events.length
    parser.feed(decoder.decode(value, { stream: true }))
    const fresh = events.slice(before).filter((e) => e.type === 'text')
    if (fresh.length) {
      textReads++
      onText?.(fresh.map((e) => e.data.text).join(''))
    }
  }
  return { events, textReads }
}

const answerOf = (events: Event[]) => events.filter((e) => e.type === 'text').map((e) => e.data.text).join('')
const ping = async () => ((await (await fetch(`${cloud.agentUrl}/ping`)).json()) as { status: string }).status

describe('the local chain with the Python agent', () => {
  it('says which agent it runs and with which framework versions', () => {
    expect(cloud.agentRuntime).toBe('python')
    expect(cloud.agent.versions['bedrock-agentcore']).toMatch(/^\d+\.\d+/)
    expect(cloud.agent.versions['strands-agents']).toMatch(/^\d+\.\d+/)
  })

  it("streams the answer in steps through every hop: meta first, exactly the offline model's text, usage, done", async () => {
    const prompt = 'How do streams work? words:150'
    const res = await invoke({ prompt, sessionId: sessionId('text') })
    expect(res.status).toBe(200)
    const { events, textReads } = await readEvents(res)
    expect(events[0]).toMatchObject({ type: 'meta', data: { sessionId: sessionId('text') } })
    expect(answerOf(events)).toBe(composeAnswer({ prompt, earlier: [] }))
    expect(textReads).toBeGreaterThan(5)
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(1)
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
    expect(cloud.agentCore.events).toContainEqual(expect.objectContaining({ type: 'invoke-end', sessionId: sessionId('text'), how: 'completed' }))
  })

  it('answers a second turn of the same session with the first in its context', async () => {
    const session = sessionId('multi')
    await readEvents(await invoke({ prompt: 'First question about rivers', sessionId: session }))
    const { events } = await readEvents(await invoke({ prompt: 'And a second one about lakes', sessionId: session }))
    expect(answerOf(events)).toBe(composeAnswer({ prompt: 'And a second one about lakes', earlier: ['First question about rivers'] }))
    expect(answerOf(events)).toContain('Earlier you asked: “First question about rivers” — this is turn 2')
  })

  it('keeps Japanese, emoji and ZWJ sequences intact', async () => {
    const prompt = '日本語で説明してください 🎉 家族👨‍👩‍👧 と 🇯🇵'
    const { events } = await readEvents(await invoke({ prompt, sessionId: sessionId('ja') }))
    expect(answerOf(events)).toBe(composeAnswer({ prompt, earlier: [] }))
    expect(answerOf(events)).toContain(`> ${prompt}`)
  })

  it('Stop (POST /v1/cancel) reaches the Python agent: its turn ends, the stream ends cancelled, the session goes on', async () => {
    const session = sessionId('stop')
    const res = await invoke({ prompt: 'Tell me everything words:3000', sessionId: session })
    let sawText!: () => void
    const textSeen = new Promise<void>((resolve) => (sawText = resolve))
    const reading = readEvents(res, () => sawText())
    await textSeen
    expect(await ping()).toBe('HealthyBusy')
    const cancel = await cloud.workerFetch(cloud.cancelUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: session }),
    })
    expect(cancel.status).toBe(200)
    // 'signal': the agent answered the cancel invocation itself (no StopRuntimeSession fallback).
    expect(await cancel.json()).toEqual({ cancelled: true, method: 'signal' })
    const { events } = await reading
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'cancelled' } })
    const full = composeAnswer({ prompt: 'Tell me everything words:3000', earlier: [] })
    expect(answerOf(events).length).toBeLessThan(full.length)
    expect(full.startsWith(answerOf(events))).toBe(true)
    // At the agent: no turn running any more, and the session takes its next prompt.
    await expect.poll(ping, { timeout: 10_000 }).toBe('Healthy')
    const next = await readEvents(await invoke({ prompt: 'Still there?', sessionId: session }))
    expect(answerOf(next.events)).toContain('Earlier you asked: “Tell me everything words:3000” — this is turn 2')
    expect(next.events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
  })

  it('runs a tool through the Strands loop: tool start and end reach the client, then the answer from the result', async () => {
    const { events } = await readEvents(await invoke({ prompt: 'Convert 5 km to mile', sessionId: sessionId('tool') }))
    const tools = events.filter((e) => e.type === 'tool').map((e) => [e.data.name, e.data.status])
    expect(tools).toEqual([
      ['convert_units', 'start'],
      ['convert_units', 'end'],
    ])
    expect(answerOf(events)).toContain('I asked the `convert_units` tool (`{"value":5,"from":"km","to":"mile"}`). It says:\n\n**3.106856 mile**')
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
  })

  it('runs several tools asked for in one message: a start and an end per call reach the client, then one answer from all results', async () => {
    const { events } = await readEvents(await invoke({ prompt: '東京とロンドンの時刻は？', sessionId: sessionId('tools') }))
    const tools = events.filter((e) => e.type === 'tool').map((e) => e.data)
    // The Python agent's tool starts come from the model's toolUse blocks (the Lambda sends each with
    // its input when its block ends), its ends from the one message of results.
    expect(tools).toMatchObject([
      { name: 'current_time', status: 'start', id: 'tooluse_offline_1', input: { timeZone: 'Asia/Tokyo' } },
      { name: 'current_time', status: 'start', id: 'tooluse_offline_1_2', input: { timeZone: 'Europe/London' } },
      { name: 'current_time', status: 'end', id: 'tooluse_offline_1', result: expect.stringContaining('"timeZone":"Asia/Tokyo"') },
      { name: 'current_time', status: 'end', id: 'tooluse_offline_1_2', result: expect.stringContaining('"timeZone":"Europe/London"') },
    ])
    const answer = answerOf(events)
    expect(answer).toMatch(/^\*\*Offline model\*\* — I asked 2 tools at once\.\n\nThe `current_time` tool \(`\{"timeZone":"Asia\/Tokyo"\}`\) says:\n\n\*\*.+\*\*\n\nThe `current_time` tool \(`\{"timeZone":"Europe\/London"\}`\) says:\n\n\*\*.+\*\*\n$/)
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
  })

  it('an agent error becomes an error event and done{error}, with no internals', async () => {
    const prompt = 'Please fail:model halfway'
    const { events } = await readEvents(await invoke({ prompt, sessionId: sessionId('error') }))
    expect(answerOf(events).length).toBeGreaterThan(0)
    expect(composeAnswer({ prompt, earlier: [] }).startsWith(answerOf(events))).toBe(true)
    expect(events.slice(-2)).toEqual([
      { type: 'error', data: { code: 'agent_error', message: 'The agent failed while answering.', retryable: false } },
      { type: 'done', data: { stopReason: 'error' } },
    ])
    expect(JSON.stringify(events)).not.toContain('OfflineModelError')
  })
})
