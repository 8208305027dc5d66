import { describe, expect, it } from 'vitest'
import type { StreamEvent } from '../../protocol/events'
import { createAgentStreamNormalizer } from './agent-stream'
import { AGENT_ERROR_MESSAGE } from './agent-events'
import { recordAgentCoreApp } from './test/record-agentcore-app'

const enc = new TextEncoder()

function normalize(chunks: Uint8Array[]): { events: StreamEvent[]; stopReason: string | undefined } {
  const n = createAgentStreamNormalizer()
  const events: StreamEvent[] = []
  for (const c of chunks) events.push(...n.push(c))
  events.push(...n.end())
  return { events, stopReason: n.mapper.stopReason }
}

/** The body split at every byte position into two chunks, and into single bytes: every way must agree. */
function expectChunkingInvariant(bytes: Uint8Array) {
  const whole = normalize([bytes])
  for (let i = 1; i < bytes.length; i++) {
    expect(normalize([bytes.subarray(0, i), bytes.subarray(i)]), `split at byte ${i}`).toEqual(whole)
  }
  expect(normalize(Array.from(bytes, (b) => Uint8Array.of(b)))).toEqual(whole)
  return whole
}

// Python BedrockAgentCoreApp framing (`data: <json>\n\n`), with Strands events, a string literal, CRLF
// line ends, multi-byte characters and a multi-line SSE message.
const PYTHON_STRANDS =
  'data: "Bonjour 👋 "\n\n' +
  'data: {"event": {"messageStart": {"role": "assistant"}}}\r\n\r\n' +
  'data: {"event": {"contentBlockDelta": {"delta": {"text": "naïve café "}, "contentBlockIndex": 0}}}\n\n' +
  'data: {"data": "naïve café ", "delta": {"text": "naïve café "}}\n\n' +
  'data: {"event": {"contentBlockStart": {"start": {"toolUse": {"name": "search", "toolUseId": "t-1"}}}}}\n\n' +
  'data: {"message": {"role": "user", "content": [{"toolResult": {"toolUseId": "t-1", "status": "success"}}]}}\n\n' +
  'data: {"event": {"contentBlockDelta":\ndata:  {"delta": {"text": "日本語"}}}}\n\n' +
  ': keep-alive comment\n\n' +
  'data: {"event": {"messageStop": {"stopReason": "end_turn"}}}\n\n' +
  'data: {"event": {"metadata": {"usage": {"inputTokens": 12, "outputTokens": 34}, "metrics": {"latencyMs": 567}}}}\n\n'

describe('agent stream normalizer', () => {
  it('a Python/Strands stream: same events at every chunking', () => {
    const { events, stopReason } = expectChunkingInvariant(enc.encode(PYTHON_STRANDS))
    expect(events).toEqual([
      { type: 'text', data: { text: 'Bonjour 👋 ' } },
      { type: 'text', data: { text: 'naïve café ' } },
      { type: 'tool', data: { name: 'search', status: 'start', id: 't-1' } },
      { type: 'tool', data: { name: 'search', status: 'end', id: 't-1' } },
      { type: 'text', data: { text: '日本語' } },
      { type: 'usage', data: { inputTokens: 12, outputTokens: 34, latencyMs: 567 } },
    ])
    expect(stopReason).toBe('end_turn')
  })

  it("a recording of AWS's TypeScript BedrockAgentCoreApp (our yields, raw strings, multi-line text): same events at every chunking", async () => {
    const bytes = await recordAgentCoreApp([
      { type: 'text', text: 'Hello, ' },
      'raw string yield',
      { type: 'tool', name: 'clock', status: 'start', id: 'c1' },
      { type: 'tool', name: 'clock', status: 'end', id: 'c1' },
      { type: 'text', text: 'line one\nline two 🎉' },
      { type: 'usage', inputTokens: 5, outputTokens: 7 },
      { type: 'done', stopReason: 'end_turn' },
    ])
    expect(new TextDecoder().decode(bytes)).toContain('data: {"type":"text","text":"Hello, "}\n\n')
    const { events, stopReason } = expectChunkingInvariant(bytes)
    expect(events).toEqual([
      { type: 'text', data: { text: 'Hello, ' } },
      { type: 'text', data: { text: 'raw string yield' } },
      { type: 'tool', data: { name: 'clock', status: 'start', id: 'c1' } },
      { type: 'tool', data: { name: 'clock', status: 'end', id: 'c1' } },
      { type: 'text', data: { text: 'line one\nline two 🎉' } },
      { type: 'usage', data: { inputTokens: 5, outputTokens: 7 } },
    ])
    expect(stopReason).toBe('end_turn')
  })

  it("the TS BedrockAgentCoreApp's failure frame (`event: error`) becomes agent_error without internals", async () => {
    const bytes = await recordAgentCoreApp([{ type: 'text', text: 'partial' }], { throwAfter: true })
    expect(new TextDecoder().decode(bytes)).toContain('db password')
    const { events } = normalize([bytes])
    expect(events).toEqual([
      { type: 'text', data: { text: 'partial' } },
      { type: 'error', data: { code: 'agent_error', message: AGENT_ERROR_MESSAGE, retryable: false } },
    ])
  })

  it('a last message without its blank line still counts', () => {
    expect(normalize([enc.encode('data: "a"\n\ndata: "b"')]).events).toEqual([
      { type: 'text', data: { text: 'a' } },
      { type: 'text', data: { text: 'b' } },
    ])
  })
})
