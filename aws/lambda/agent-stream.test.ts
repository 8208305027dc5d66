import { describe, expect, it } from 'vitest'
import { AGENT_ERROR_MESSAGE } from './agent-events'
import { recordAgentCoreApp } from './test/record-agentcore-app'
import { normalize, normalizeEveryWay } from './test/replay'

const enc = new TextEncoder()

/** The body split in two at every byte position, in single bytes and in 7-byte pieces: every way must agree. */
const expectChunkingInvariant = (bytes: Uint8Array) => normalizeEveryWay(bytes, Infinity)

// Python BedrockAgentCoreApp framing (`data: <json>\n\n`), with Strands events, a string literal, CRLF
// line ends, multi-byte characters and a multi-line SSE message.
const PYTHON_STRANDS =
  'data: "Bonjour 👋 "\n\n' +
  'data: {"event": {"messageStart": {"role": "assistant"}}}\r\n\r\n' +
  'data: {"event": {"contentBlockDelta": {"delta": {"text": "naïve café "}, "contentBlockIndex": 0}}}\n\n' +
  'data: "{\'data\': \'naïve café \', \'delta\': {\'text\': \'naïve café \'}, \'agent\': <strands.agent.agent.Agent object at 0x7f2f2923cc50>}"\n\n' +
  'data: {"event": {"contentBlockStart": {"start": {"toolUse": {"name": "search", "toolUseId": "t-1"}}}}}\n\n' +
  'data: {"message": {"role": "user", "content": [{"toolResult": {"toolUseId": "t-1", "status": "success"}}]}}\n\n' +
  'data: {"event": {"contentBlockDelta":\ndata:  {"delta": {"text": "日本語"}}}}\n\n' +
  ': keep-alive comment\n\n' +
  'data: {"event": {"messageStop": {"stopReason": "end_turn"}}}\n\n' +
  'data: {"event": {"metadata": {"usage": {"inputTokens": 12, "outputTokens": 34}, "metrics": {"latencyMs": 567}}}}\n\n'

describe('agent stream normalizer', () => {
  it('a Python/Strands stream: same events at every chunking', () => {
    const { events, stopReason, skipped } = expectChunkingInvariant(enc.encode(PYTHON_STRANDS))
    expect(skipped).toEqual([])
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

  it("a recording of AWS's TypeScript BedrockAgentCoreApp (our events, raw strings, multi-line text): same events at every chunking", async () => {
    // Our agent yields each protocol event as an SSE message (aws/agent/turn.ts).
    const bytes = await recordAgentCoreApp([
      { event: 'text', data: { text: 'Hello, ' } },
      'raw string yield',
      { event: 'tool', data: { name: 'clock', status: 'start', id: 'c1' } },
      { event: 'tool', data: { name: 'clock', status: 'end', id: 'c1' } },
      { event: 'text', data: { text: 'line one\nline two 🎉' } },
      { event: 'usage', data: { inputTokens: 5, outputTokens: 7 } },
      { event: 'done', data: { stopReason: 'end_turn' } },
    ])
    expect(new TextDecoder().decode(bytes)).toContain('event: text\ndata: {"text":"Hello, "}\n\n')
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
    const bytes = await recordAgentCoreApp([{ event: 'text', data: { text: 'partial' } }], { throwAfter: true })
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
