import { describe, expect, it } from 'vitest'
import { AGENT_ERROR_MESSAGE, createAgentEventMapper } from './agent-events'

const map = (data: unknown, eventName?: string) => {
  const skipped: string[] = []
  const m = createAgentEventMapper((s) => skipped.push(s))
  const events = m.map(eventName, typeof data === 'string' ? data : JSON.stringify(data))
  return { events, skipped, stopReason: m.stopReason, failed: m.failed }
}

describe('agent payload shapes → project events', () => {
  it("our agent's protocol events pass through as they are: text, tool, usage; done gives the stop reason", () => {
    expect(map({ text: 'Hi' }, 'text').events).toEqual([{ type: 'text', data: { text: 'Hi' } }])
    expect(map({ name: 'search', status: 'start', id: 't1' }, 'tool').events).toEqual([
      { type: 'tool', data: { name: 'search', status: 'start', id: 't1' } },
    ])
    // A tool call's input and result (and a failed call) reach the page as the agent sent them.
    expect(map({ name: 'calculator', status: 'start', id: 't2', input: { expression: '6*7' } }, 'tool').events).toEqual([
      { type: 'tool', data: { name: 'calculator', status: 'start', id: 't2', input: { expression: '6*7' } } },
    ])
    expect(map({ name: 'calculator', status: 'error', id: 't2', result: 'bad' }, 'tool').events).toEqual([
      { type: 'tool', data: { name: 'calculator', status: 'error', id: 't2', result: 'bad' } },
    ])
    expect(map({ inputTokens: 3, outputTokens: 5, latencyMs: 40 }, 'usage').events).toEqual([
      { type: 'usage', data: { inputTokens: 3, outputTokens: 5, latencyMs: 40 } },
    ])
    const done = map({ stopReason: 'max_tokens' }, 'done')
    expect(done.events).toEqual([])
    expect(done.stopReason).toBe('max_tokens')
    // The Lambda writes its own meta first: an agent's is not forwarded.
    expect(map({ sessionId: 's', requestId: 'r' }, 'meta')).toMatchObject({ events: [], skipped: [] })
  })

  it("our agent's error passes through with its client-safe message and code (session_busy included)", () => {
    const r = map({ code: 'agent_error', message: 'The model refused.', retryable: true }, 'error')
    expect(r.events).toEqual([{ type: 'error', data: { code: 'agent_error', message: 'The model refused.', retryable: true } }])
    expect(r.failed).toBe(true)
    const busy = { code: 'session_busy', message: 'This session is still answering an earlier prompt.', retryable: true }
    expect(map(busy, 'error').events).toEqual([{ type: 'error', data: busy }])
  })

  it("a protocol event name without the protocol's data is not passed on", () => {
    // An error that is not ours (unknown code, or a long message that may hold internals) is the generic one.
    for (const data of [{ code: 'db_down', message: 'x', retryable: false }, { code: 'agent_error', message: 'x'.repeat(501), retryable: false }]) {
      expect(map(data, 'error')).toMatchObject({ events: [{ type: 'error', data: { code: 'agent_error', message: AGENT_ERROR_MESSAGE } }], failed: true })
    }
    expect(map({ text: 7 }, 'text')).toEqual({ events: [], skipped: ['event:text object{text}'], stopReason: undefined, failed: false })
    expect(map({ stopReason: 'bored' }, 'done')).toMatchObject({ events: [], skipped: ['event:done object{stopReason}'], stopReason: undefined })
  })

  it('the old object shape of our agent ({type:"text"} without an event name) is no longer ours', () => {
    expect(map({ type: 'text', text: 'Hi' })).toMatchObject({ events: [], skipped: ['object{text,type}'] })
  })

  it('Python BedrockAgentCoreApp string yields: a JSON string literal', () => {
    expect(map('"Hi \\"there\\""').events).toEqual([{ type: 'text', data: { text: 'Hi "there"' } }])
  })

  it('TS bedrock-agentcore string yields: raw text', () => {
    expect(map('Hi there').events).toEqual([{ type: 'text', data: { text: 'Hi there' } }])
  })

  it('an SSE-message-like {data: ...} object is no framework\'s format: skipped and reported', () => {
    expect(map({ data: { text: 'x' } })).toMatchObject({ events: [], skipped: ['object{data}'] })
  })

  it('Strands raw events: text delta, tool start/end, stop, usage', () => {
    const skipped: string[] = []
    const m = createAgentEventMapper((s) => skipped.push(s))
    const run = (v: unknown) => m.map(undefined, JSON.stringify(v))
    expect(run({ event: { messageStart: { role: 'assistant' } } })).toEqual([])
    expect(run({ event: { contentBlockDelta: { delta: { text: 'Hel' }, contentBlockIndex: 0 } } })).toEqual([{ type: 'text', data: { text: 'Hel' } }])
    // the derived duplicate Strands yields next to the raw event: the str() of a dict holding the agent
    expect(run("{'data': 'Hel', 'delta': {'text': 'Hel'}, 'agent': <strands.agent.agent.Agent object at 0x7f2f2923cc50>}")).toEqual([])
    expect(run({ init_event_loop: true })).toEqual([])
    // A toolUse block: its start when the block ends, with the input its deltas spelled out (and the
    // Python repr of each delta in between changes nothing).
    expect(run({ event: { contentBlockStart: { start: { toolUse: { name: 'calc', toolUseId: 'tu1' } } } } })).toEqual([])
    expect(run({ event: { contentBlockDelta: { delta: { toolUse: { input: '{"expression":' } } } } })).toEqual([])
    expect(run("{'type': 'tool_use_stream', 'delta': {}, 'agent': <strands.agent.agent.Agent object at 0x7f2f2923cc50>}")).toEqual([])
    expect(run({ event: { contentBlockDelta: { delta: { toolUse: { input: '"6*7"}' } } } } })).toEqual([])
    expect(run({ event: { contentBlockStop: {} } })).toEqual([{ type: 'tool', data: { name: 'calc', status: 'start', id: 'tu1', input: { expression: '6*7' } } }])
    // A second block in the same message, its input not JSON: shown as the text it is.
    expect(run({ event: { contentBlockStart: { start: { toolUse: { name: 'raw', toolUseId: 'tu2' } } } } })).toEqual([])
    expect(run({ event: { contentBlockDelta: { delta: { toolUse: { input: 'not json' } } } } })).toEqual([])
    expect(run({ event: { contentBlockStop: {} } })).toEqual([{ type: 'tool', data: { name: 'raw', status: 'start', id: 'tu2', input: 'not json' } }])
    expect(run({ event: { messageStop: { stopReason: 'tool_use' } } })).toEqual([])
    expect(m.stopReason).toBeUndefined()
    expect(
      run({
        message: {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 'tu1', status: 'success', content: [] } },
            { toolResult: { toolUseId: 'tu2', status: 'error', content: [{ text: 'bad' }] } },
          ],
        },
      }),
    ).toEqual([
      { type: 'tool', data: { name: 'calc', status: 'end', id: 'tu1' } },
      { type: 'tool', data: { name: 'raw', status: 'error', id: 'tu2', result: 'bad' } },
    ])
    // A block whose stop never comes: its start goes before the next message that gives events.
    expect(run({ event: { contentBlockStart: { start: { toolUse: { name: 'cut', toolUseId: 'tu3' } } } } })).toEqual([])
    expect(run({ message: { role: 'user', content: [{ toolResult: { toolUseId: 'tu3', status: 'success', content: [{ json: { ok: 1 } }] } }] } })).toEqual([
      { type: 'tool', data: { name: 'cut', status: 'start', id: 'tu3' } },
      { type: 'tool', data: { name: 'cut', status: 'end', id: 'tu3', result: '{"ok":1}' } },
    ])
    expect(run({ event: { messageStop: { stopReason: 'max_tokens' } } })).toEqual([])
    expect(run({ event: { metadata: { usage: { inputTokens: 7, outputTokens: 9, totalTokens: 16 }, metrics: { latencyMs: 120 } } } })).toEqual([
      { type: 'usage', data: { inputTokens: 7, outputTokens: 9, latencyMs: 120 } },
    ])
    expect(m.stopReason).toBe('max_tokens')
    expect(skipped).toEqual([])
  })

  it("Python reprs (bedrock-agentcore's str() fallback for unserializable events) are not text; an AgentResult's stop reason counts", () => {
    const m = createAgentEventMapper()
    const run = (v: unknown) => m.map(undefined, JSON.stringify(v))
    expect(run("{'data': 'Hi', 'delta': {'text': 'Hi'}, 'agent': <strands.agent.agent.Agent object at 0x7f2f2923cc50>}")).toEqual([])
    expect(run("{'data': 'Hi', 'event_loop_cycle_id': UUID('f86f5f46-e1ec-4bd6-b391-3837b7c4fc14')}")).toEqual([])
    expect(m.stopReason).toBeUndefined()
    expect(run("{'result': AgentResult(stop_reason='cancelled', message={'role': 'assistant'})}")).toEqual([])
    expect(m.stopReason).toBe('cancelled')
    // Text that merely looks like a dict stays text.
    expect(run("{'a': 1}")).toEqual([{ type: 'text', data: { text: "{'a': 1}" } }])
  })

  it("Strands' derived events as JSON are no framework's format (Python sends their repr): skipped and reported", () => {
    expect(map({ data: 'Hi', delta: { text: 'Hi' } })).toMatchObject({ events: [], skipped: ['object{data,delta}'] })
  })

  it("Strands TypeScript agent events: model events inside modelStreamUpdateEvent, lifecycle events, the agent result's stop reason", () => {
    const skipped: string[] = []
    const m = createAgentEventMapper((s) => skipped.push(s))
    const run = (v: unknown) => m.map(undefined, JSON.stringify(v))
    const model = (event: unknown) => run({ type: 'modelStreamUpdateEvent', event })
    expect(model({ type: 'modelContentBlockDeltaEvent', delta: { type: 'textDelta', text: 'a' } })).toEqual([{ type: 'text', data: { text: 'a' } }])
    expect(model({ type: 'modelContentBlockStartEvent', start: { type: 'toolUseStart', name: 'f', toolUseId: 'i' } })).toEqual([])
    expect(model({ type: 'modelContentBlockDeltaEvent', delta: { type: 'toolUseInputDelta', input: '{"q":1}' } })).toEqual([])
    expect(model({ type: 'modelContentBlockStopEvent' })).toEqual([{ type: 'tool', data: { name: 'f', status: 'start', id: 'i', input: { q: 1 } } }])
    expect(run({ type: 'toolResultEvent', result: { toolResult: { toolUseId: 'i', status: 'success', content: [{ text: 'found' }] } } })).toEqual([
      { type: 'tool', data: { name: 'f', status: 'end', id: 'i', result: 'found' } },
    ])
    expect(model({ type: 'modelMetadataEvent', usage: { inputTokens: 1, outputTokens: 2 } })).toEqual([{ type: 'usage', data: { inputTokens: 1, outputTokens: 2 } }])
    model({ type: 'modelMessageStopEvent', stopReason: 'toolUse' })
    expect(m.stopReason).toBeUndefined()
    model({ type: 'modelMessageStopEvent', stopReason: 'maxTokens' })
    expect(m.stopReason).toBe('max_tokens')
    expect(run({ type: 'afterModelCallEvent', attemptCount: 1, error: { message: 'Agent invocation cancelled' } })).toEqual([])
    expect(run({ type: 'contentBlockEvent', contentBlock: { text: 'the whole answer again' } })).toEqual([])
    expect(run({ type: 'agentResultEvent', result: { type: 'agentResult', stopReason: 'cancelled' } })).toEqual([])
    expect(m.stopReason).toBe('cancelled')
    expect(m.failed).toBe(false)
    expect(skipped).toEqual([])
  })

  it('failures: Python {error, error_type, message} and TS `event: error` → agent_error without internals', () => {
    const py = map({ error: 'KeyError: secret_table at /app/agent.py:12', error_type: 'KeyError', message: 'An error occurred during streaming' })
    expect(py.events).toEqual([{ type: 'error', data: { code: 'agent_error', message: AGENT_ERROR_MESSAGE, retryable: false } }])
    expect(py.failed).toBe(true)
    expect(JSON.stringify(py.events)).not.toContain('secret_table')
    const ts = map({ error: 'ECONNREFUSED 10.0.0.1' }, 'error')
    expect(ts.events).toEqual([{ type: 'error', data: { code: 'agent_error', message: AGENT_ERROR_MESSAGE, retryable: false } }])
  })

  it('unknown shapes are skipped and reported by shape, not content', () => {
    const r = map({ weird: 'the user secret', other: 1 })
    expect(r.events).toEqual([])
    expect(r.skipped).toEqual(['object{other,weird}'])
    expect(map(42).skipped).toEqual(['number'])
    expect(map([1, 2]).skipped).toEqual(['array'])
  })

  it('empty text and [DONE] sentinels emit nothing', () => {
    expect(map('[DONE]').events).toEqual([])
    expect(map('""').events).toEqual([])
  })
})
