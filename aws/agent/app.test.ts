/**
 * The container contract over real HTTP on 127.0.0.1 (port 0): /ping, streaming /invocations,
 * multi-turn memory, cancel, session_busy, disconnect, max tokens and model failure.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Model, type BaseModelConfig, type ModelStreamEvent } from '@strands-agents/sdk'
import { invocationSchema, startAgent, type RunningAgent, type StartAgentOptions } from './app'
import type { AgentConfig } from './config'
import { composeAnswer } from './offline-answer'
import type { StreamEvent } from '../../protocol/events'
import { cancel, frames, historyOf, invoke, newTestSessionId, ping, readAll, rest, RUNTIME_SESSION_HEADER, take, textOf } from './testing'

function start(config: Partial<AgentConfig>, extra: Omit<StartAgentOptions, 'config'> = {}): Promise<RunningAgent> {
  // env {}: the developer's AGENT_MODEL_ID must not turn these tests into Bedrock calls.
  return startAgent({ host: '127.0.0.1', port: 0, env: {}, config: { logLevel: 'silent', ...config }, ...extra })
}

/** One agent for the enclosing describe block, started before its tests and closed after them. */
function sharedAgent(config: Partial<AgentConfig>): () => RunningAgent {
  let agent: RunningAgent | undefined
  beforeAll(async () => {
    agent = await start(config)
  })
  afterAll(() => agent?.close())
  return () => agent!
}

/** An agent of its own for one test, closed whatever the test does. */
async function withAgent(config: Partial<AgentConfig>, extra: Omit<StartAgentOptions, 'config'>, use: (agent: RunningAgent) => Promise<void>): Promise<void> {
  const agent = await start(config, extra)
  try {
    await use(agent)
  } finally {
    await agent.close()
  }
}

describe('the agent at full speed', () => {
  const agent = sharedAgent({ offline: { firstTokenMs: 0, tokensPerSecond: 0 } })

  it('answers GET /ping with Healthy when idle', async () => {
    const response = await fetch(`${agent().url}/ping`)
    expect(response.status).toBe(200)
    const body = (await response.json()) as { status: string; time_of_last_update: unknown }
    expect(body.status).toBe('Healthy')
    expect(typeof body.time_of_last_update).toBe('number')
  })

  it("streams a prompt as the protocol's events: text deltas, usage, then done", async () => {
    const prompt = 'Explain streaming in one paragraph'
    const response = await invoke(agent().url, newTestSessionId(), { prompt })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const events = await readAll(response)
    expect(events.length).toBeGreaterThan(20)
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
    const usage = events.at(-2)
    expect(usage).toMatchObject({ type: 'usage', data: { outputTokens: events.length - 2 } })
    expect(usage?.type === 'usage' && usage.data.inputTokens).toBeGreaterThan(0)
    expect(textOf(events)).toBe(composeAnswer({ prompt, earlier: [] }))
  })

  it("frames every event as the protocol does on every hop: `event: <type>` and `data: <json>`", async () => {
    const response = await invoke(agent().url, newTestSessionId(), { prompt: 'wire words:0' })
    const raw = await response.text()
    const chunks = raw.split('\n\n').filter(Boolean)
    expect(chunks[0]).toMatch(/^event: text\ndata: \{"text":".+"\}$/)
    for (const chunk of chunks) expect(chunk).toMatch(/^event: (text|usage)\ndata: \{.*\}$|^event: done\ndata: \{"stopReason":"end_turn"\}$/)
    expect(chunks.at(-1)).toBe('event: done\ndata: {"stopReason":"end_turn"}')
  })

  it('remembers the first turn of a session in the second, and keeps sessions apart', async () => {
    const session = newTestSessionId()
    const first = 'What is an edge worker?'
    const answer1 = textOf(await readAll(await invoke(agent().url, session, { prompt: first })))
    const answer2 = textOf(await readAll(await invoke(agent().url, session, { prompt: 'And why stream from it?' })))
    expect(answer1).not.toContain('Earlier you asked')
    expect(answer2).toContain(`Earlier you asked: “${first}” — this is turn 2`)
    expect(historyOf(agent(), session)).toEqual([
      { role: 'user', text: first },
      { role: 'assistant', text: answer1 },
      { role: 'user', text: 'And why stream from it?' },
      { role: 'assistant', text: answer2 },
    ])
    const other = textOf(await readAll(await invoke(agent().url, newTestSessionId(), { prompt: 'And why stream from it?' })))
    expect(other).not.toContain('Earlier you asked')
  })

  it('answers the same conversation with the same bytes (deterministic)', async () => {
    const run = async () => {
      const session = newTestSessionId()
      await readAll(await invoke(agent().url, session, { prompt: 'one' }))
      return textOf(await readAll(await invoke(agent().url, session, { prompt: 'two long' })))
    }
    expect(await run()).toBe(await run())
  })

  it('needs Accept: text/event-stream for a prompt (406 otherwise)', async () => {
    // Without a session id as well, the framework refuses for the session id first.
    const noSession = await fetch(`${agent().url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ prompt: 'hi' }),
    })
    expect(noSession.status).toBe(400)
    expect(((await noSession.json()) as { error: string }).error).toMatch(/sessionId/)
    const withSession = await fetch(`${agent().url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [RUNTIME_SESSION_HEADER]: newTestSessionId() },
      body: JSON.stringify({ prompt: 'hi' }),
    })
    expect(withSession.status).toBe(406)
    expect(((await withSession.json()) as { error: string }).error).toMatch(/text\/event-stream/)
  })

  it('does not generate for a refused (406) prompt: the session stays free and /ping Healthy', async () => {
    const session = newTestSessionId()
    const refused = await fetch(`${agent().url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [RUNTIME_SESSION_HEADER]: session },
      body: JSON.stringify({ prompt: 'never answered' }),
    })
    expect(refused.status).toBe(406)
    expect((await ping(agent().url)).status).toBe('Healthy')
    const answer = textOf(await readAll(await invoke(agent().url, session, { prompt: 'answered' })))
    expect(answer).toContain('> answered')
    expect(answer).not.toContain('Earlier you asked')
  })

  it('rejects a missing session id and invalid bodies with 400 JSON', async () => {
    const noSession = await invoke(agent().url, undefined, { prompt: 'hi' })
    expect(noSession.status).toBe(400)
    expect(noSession.headers.get('content-type')).toMatch(/^application\/json/)
    expect(((await noSession.json()) as { error: string }).error).toMatch(/sessionId/)
    for (const body of [{ prompt: '   ' }, { prompt: 42 }, { message: 'hi' }, { prompt: 'x'.repeat(16_001) }, { prompt: '😀'.repeat(16_001) }]) {
      const response = await invoke(agent().url, newTestSessionId(), body)
      expect(response.status, JSON.stringify(body).slice(0, 40)).toBe(400)
      expect(((await response.json()) as { error: string }).error).toBe('Invalid request body format')
    }
  })

  it('counts the prompt limit in characters, as every hop does: 16,000 emoji (32,000 UTF-16 units) fit', () => {
    const schema = invocationSchema(agent().config.maxPromptChars)
    expect(agent().config.maxPromptChars).toBe(16_000)
    expect(schema.safeParse({ prompt: '😀'.repeat(16_000) }).success).toBe(true)
    expect(schema.safeParse({ prompt: '😀'.repeat(16_001) }).success).toBe(false)
  })

  it('answers a cancel with nothing to cancel with {"cancelled":false}', async () => {
    const response = await invoke(agent().url, newTestSessionId(), { type: 'cancel' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await response.json()).toEqual({ cancelled: false })
  })
})

describe('the agent at a human pace (20 tokens/s: an unstopped answer takes over 20 s)', () => {
  const agent = sharedAgent({ offline: { firstTokenMs: 0, tokensPerSecond: 20 } })

  it('streams incrementally, reports HealthyBusy meanwhile, and a cancel ends the stream with part of the answer', async () => {
    const session = newTestSessionId()
    const prompt = 'Tell me everything words:400'
    const stream = frames(await invoke(agent().url, session, { prompt }))
    // take() reads with next(): breaking out of for-await would close the stream.
    const seen = await take(stream, 3)
    expect(seen.every((e) => e.type === 'text')).toBe(true)
    expect((await ping(agent().url)).status).toBe('HealthyBusy')

    const answer = cancel(agent().url, session)
    const tail = await rest(stream)
    seen.push(...tail.filter((e) => e.type === 'text'))
    expect(await answer).toEqual({ cancelled: true })
    expect(tail.at(-1)).toEqual({ type: 'done', data: { stopReason: 'cancelled' } })
    // Ended by the cancel, not by the answer (at 20 tokens/s it would run for over 20 s).
    const full = composeAnswer({ prompt, earlier: [] })
    expect(full.startsWith(textOf(seen)) && textOf(seen).length < full.length).toBe(true)

    // The partial answer stays in the history, exactly as streamed.
    await agent().sessions.peek(session)?.turn?.finished
    expect(historyOf(agent(), session)).toEqual([
      { role: 'user', text: prompt },
      { role: 'assistant', text: textOf(seen) },
    ])
    expect((await ping(agent().url)).status).toBe('Healthy')
    expect(await cancel(agent().url, session)).toEqual({ cancelled: false })
  })

  it('continues the conversation after a cancel', async () => {
    const session = newTestSessionId()
    const stream = frames(await invoke(agent().url, session, { prompt: 'first, then cancelled words:400' }))
    await stream.next()
    expect(await cancel(agent().url, session)).toEqual({ cancelled: true })
    await rest(stream)
    const next = frames(await invoke(agent().url, session, { prompt: 'second' }))
    const head: StreamEvent[] = []
    for await (const frame of next) {
      head.push(frame)
      if (textOf(head).includes('turn 2')) break
    }
    expect(textOf(head)).toContain('Earlier you asked: “first, then cancelled words:400” — this is turn 2')
    expect(await cancel(agent().url, session)).toEqual({ cancelled: true })
  })

  it('rejects a second prompt while the session is generating (session_busy) and keeps the first going', async () => {
    const session = newTestSessionId()
    const first = frames(await invoke(agent().url, session, { prompt: 'the long one words:400' }))
    await first.next()
    const second = await readAll(await invoke(agent().url, session, { prompt: 'me too' }))
    expect(second).toEqual([
      { type: 'error', data: { code: 'session_busy', message: expect.stringMatching(/still answering/), retryable: true } },
      { type: 'done', data: { stopReason: 'error' } },
    ])
    expect((await first.next()).value).toMatchObject({ type: 'text' })
    expect(await cancel(agent().url, session)).toEqual({ cancelled: true })
    expect((await rest(first)).at(-1)).toEqual({ type: 'done', data: { stopReason: 'cancelled' } })
  })

  it('stops generating when the client goes away', async () => {
    const session = newTestSessionId()
    const client = new AbortController()
    const stream = frames(await invoke(agent().url, session, { prompt: 'nobody reads this words:400' }, { signal: client.signal }))
    await stream.next()
    client.abort()
    await expect(stream.next()).rejects.toThrow()
    // Unstopped, the turn would run for 20 s more.
    await vi.waitFor(() => expect(agent().sessions.peek(session)?.turn?.running).toBe(false), { timeout: 5_000, interval: 50 })
    expect(historyOf(agent(), session).map((m) => m.role)).toEqual(['user', 'assistant'])
  })
})

describe('shutdown', () => {
  it('close() cancels running turns, so open streams end with done{cancelled} and the server stops', async () => {
    const agent = await start({ offline: { firstTokenMs: 0, tokensPerSecond: 20 } })
    const stream = frames(await invoke(agent.url, newTestSessionId(), { prompt: 'interrupted by shutdown words:400' }))
    await stream.next()
    await agent.close()
    expect((await rest(stream)).at(-1)).toEqual({ type: 'done', data: { stopReason: 'cancelled' } })
    await expect(fetch(`${agent.url}/ping`)).rejects.toThrow()
  })
})

describe('cancel before the first token', () => {
  const agent = sharedAgent({ offline: { firstTokenMs: 60_000, tokensPerSecond: 0 } })

  it('ends the stream with only done{cancelled} and leaves a closed turn in the history', async () => {
    const session = newTestSessionId()
    // Headers go out with the first frame, so the response promise settles only after the cancel.
    const response = invoke(agent().url, session, { prompt: 'slow to start' })
    await vi.waitFor(() => expect(agent().sessions.peek(session)?.turn?.running).toBe(true), { timeout: 5_000, interval: 20 })
    expect(await cancel(agent().url, session)).toEqual({ cancelled: true })
    expect(await readAll(await response)).toEqual([{ type: 'done', data: { stopReason: 'cancelled' } }])
    await agent().sessions.peek(session)?.turn?.finished
    expect(historyOf(agent(), session).map((m) => m.role)).toEqual(['user', 'assistant'])
  })
})

describe('limits and failures', () => {
  it('stops at AGENT_MAX_TOKENS with done{max_tokens} and keeps the partial answer', () =>
    withAgent({ maxTokens: 5, offline: { firstTokenMs: 0, tokensPerSecond: 0 } }, {}, async (agent) => {
      const session = newTestSessionId()
      const yields = await readAll(await invoke(agent.url, session, { prompt: 'cut me short' }))
      expect(yields.filter((e) => e.type === 'text')).toHaveLength(5)
      expect(yields.at(-2)).toMatchObject({ type: 'usage', data: { outputTokens: 5 } })
      expect(yields.at(-1)).toEqual({ type: 'done', data: { stopReason: 'max_tokens' } })
      expect(historyOf(agent, session)).toEqual([
        { role: 'user', text: 'cut me short' },
        { role: 'assistant', text: textOf(yields) },
      ])
    }))

  it('turns a model failure into error{agent_error} + done{error}, without internals, and forgets the failed turn', () =>
    withAgent({}, { model: new FailingModel() }, async (agent) => {
      const session = newTestSessionId()
      const yields = await readAll(await invoke(agent.url, session, { prompt: 'fail please' }))
      expect(yields).toEqual([
        { type: 'text', data: { text: 'Partial ' } },
        { type: 'error', data: { code: 'agent_error', message: 'The agent could not answer this prompt.', retryable: false } },
        { type: 'done', data: { stopReason: 'error' } },
      ])
      expect(JSON.stringify(yields)).not.toContain('secret')
      expect(historyOf(agent, session)).toEqual([])
    }))
})

/** A model that fails mid-answer the way a transport error would. */
class FailingModel extends Model<BaseModelConfig> {
  updateConfig(): void {}
  getConfig(): BaseModelConfig {
    return { modelId: 'failing' }
  }
  async *stream(): AsyncIterable<ModelStreamEvent> {
    yield { type: 'modelMessageStartEvent', role: 'assistant' }
    yield { type: 'modelContentBlockDeltaEvent', delta: { type: 'textDelta', text: 'Partial ' } }
    throw new Error('connection reset by secret-internal-host')
  }
}
