import { describe, expect, it } from 'vitest'
import { AGENT_ERROR_MESSAGE, createAgentEventMapper } from './agent-events'

const map = (data: unknown, eventName?: string) => {
  const skipped: string[] = []
  const m = createAgentEventMapper((s) => skipped.push(s))
  const events = m.map(eventName, typeof data === 'string' ? data : JSON.stringify(data))
  return { events, skipped, stopReason: m.stopReason, failed: m.failed }
}

describe('agent payload shapes → project events', () => {
  it('our agent: text, tool, usage, done', () => {
    expect(map({ type: 'text', text: 'Hi' }).events).toEqual([{ type: 'text', data: { text: 'Hi' } }])
    expect(map({ type: 'tool', name: 'search', status: 'start', id: 't1' }).events).toEqual([
      { type: 'tool', data: { name: 'search', status: 'start', id: 't1' } },
    ])
    // A tool call's input and result (and a failed call) reach the page as the agent sent them.
    expect(map({ type: 'tool', name: 'calculator', status: 'start', id: 't2', input: { expression: '6*7' } }).events).toEqual([
      { type: 'tool', data: { name: 'calculator', status: 'start', id: 't2', input: { expression: '6*7' } } },
    ])
    expect(map({ type: 'tool', name: 'calculator', status: 'error', id: 't2', result: 'bad' }).events).toEqual([
      { type: 'tool', data: { name: 'calculator', status: 'error', id: 't2', result: 'bad' } },
    ])
    expect(map({ type: 'usage', inputTokens: 3, outputTokens: 5, latencyMs: 40 }).events).toEqual([
      { type: 'usage', data: { inputTokens: 3, outputTokens: 5, latencyMs: 40 } },
    ])
    const done = map({ type: 'done', stopReason: 'max_tokens' })
    expect(done.events).toEqual([])
    expect(done.stopReason).toBe('max_tokens')
  })

  it('our agent: an error keeps its client-safe message and code', () => {
    const r = map({ type: 'error', code: 'agent_error', message: 'The model refused.', retryable: true })
    expect(r.events).toEqual([{ type: 'error', data: { code: 'agent_error', message: 'The model refused.', retryable: true } }])
    expect(r.failed).toBe(true)
  })

  it('Python BedrockAgentCoreApp string yields: a JSON string literal', () => {
    expect(map('"Hi \\"there\\""').events).toEqual([{ type: 'text', data: { text: 'Hi "there"' } }])
  })

  it('TS bedrock-agentcore string yields: raw text', () => {
    expect(map('Hi there').events).toEqual([{ type: 'text', data: { text: 'Hi there' } }])
  })

  it('{data: ...} wrappers, nested', () => {
    expect(map({ data: { data: { type: 'text', text: 'x' } } }).events).toEqual([{ type: 'text', data: { text: 'x' } }])
    expect(map({ data: 'plain' }).events).toEqual([{ type: 'text', data: { text: 'plain' } }])
  })

  it('Strands raw events: text delta, tool start/end, stop, usage', () => {
    const skipped: string[] = []
    const m = createAgentEventMapper((s) => skipped.push(s))
    const run = (v: unknown) => m.map(undefined, JSON.stringify(v))
    expect(run({ event: { messageStart: { role: 'assistant' } } })).toEqual([])
    expect(run({ event: { contentBlockDelta: { delta: { text: 'Hel' }, contentBlockIndex: 0 } } })).toEqual([{ type: 'text', data: { text: 'Hel' } }])
    // the derived duplicate Strands yields next to the raw event
    expect(run({ data: 'Hel', delta: { text: 'Hel' }, event_loop_cycle_id: 'x' })).toEqual([])
    expect(run({ event: { contentBlockStart: { start: { toolUse: { name: 'calc', toolUseId: 'tu1' } } } } })).toEqual([
      { type: 'tool', data: { name: 'calc', status: 'start', id: 'tu1' } },
    ])
    expect(run({ event: { messageStop: { stopReason: 'tool_use' } } })).toEqual([])
    expect(m.stopReason).toBeUndefined()
    expect(run({ message: { role: 'user', content: [{ toolResult: { toolUseId: 'tu1', status: 'success', content: [] } }] } })).toEqual([
      { type: 'tool', data: { name: 'calc', status: 'end', id: 'tu1' } },
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

  it("Strands' derived text events count when the stream has no raw events", () => {
    expect(map({ data: 'Hi', delta: { text: 'Hi' } }).events).toEqual([{ type: 'text', data: { text: 'Hi' } }])
  })

  it('Strands TypeScript model events', () => {
    const m = createAgentEventMapper()
    const run = (v: unknown) => m.map(undefined, JSON.stringify(v))
    expect(run({ type: 'modelContentBlockDeltaEvent', delta: { type: 'textDelta', text: 'a' } })).toEqual([{ type: 'text', data: { text: 'a' } }])
    expect(run({ type: 'modelContentBlockStartEvent', start: { type: 'toolUseStart', name: 'f', toolUseId: 'i' } })).toEqual([
      { type: 'tool', data: { name: 'f', status: 'start', id: 'i' } },
    ])
    expect(run({ type: 'modelMetadataEvent', usage: { inputTokens: 1, outputTokens: 2 } })).toEqual([{ type: 'usage', data: { inputTokens: 1, outputTokens: 2 } }])
    run({ type: 'modelMessageStopEvent', stopReason: 'maxTokens' })
    expect(m.stopReason).toBe('max_tokens')
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
    expect(map({ type: 'text', text: '' }).events).toEqual([])
    expect(map('[DONE]').events).toEqual([])
    expect(map('""').events).toEqual([])
  })
})
