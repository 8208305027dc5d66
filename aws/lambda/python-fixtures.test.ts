/**
 * The normalizer on streams recorded from the real Python frameworks (bedrock-agentcore's
 * BedrockAgentCoreApp around a Strands Agent: aws/agent-python/agent.py), not on imitations: see
 * fixtures/python-bedrock-agentcore/manifest.json for what was sent and the package versions.
 * The Python agent's offline model writes the TypeScript offline model's text exactly, so each
 * recording's expected answer is composeAnswer's.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { composeAnswer, tokenize } from '../agent/offline-answer'
import { answerFromTool, answerFromTools } from '../agent/offline-tool-use'
import { AGENT_ERROR_MESSAGE } from './agent-events'
import type { FixtureManifest, Recording } from './fixtures/python-bedrock-agentcore/manifest'
import { normalizeEveryWay as replayEveryWay, textOf } from './test/replay'

const DIR = new URL('./fixtures/python-bedrock-agentcore/', import.meta.url)
const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as FixtureManifest
const recording = (file: string): Recording => {
  const found = manifest.recordings.find((r) => r.file === file)
  if (!found) throw new Error(`${file} is not in manifest.json`)
  return found
}
const bytesOf = (file: string) => new Uint8Array(readFileSync(new URL(file, DIR)))

const normalizeEveryWay = (file: string) => replayEveryWay(bytesOf(file))
const promptOf = (file: string) => recording(file).payload.prompt!
/** A count or a duration as the agent reports it: NaN, a fraction or a negative must fail (expect.any(Number) takes NaN). */
const wholeNumber = expect.toSatisfy((n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0')

describe('recordings of the Python BedrockAgentCoreApp + Strands agent → project events', () => {
  it('were made with the package versions the lock file pins', () => {
    const lock = readFileSync(new URL('../agent-python/requirements.txt', import.meta.url), 'utf8')
    for (const name of ['bedrock-agentcore', 'strands-agents']) {
      const pinned = new RegExp(`^${name}==([^\\s\\\\]+)`, 'm').exec(lock)?.[1]
      expect(pinned, `${name} in requirements.txt`).toBeDefined()
      expect(manifest.versions[name], `${name}: re-record with npm run record:python-fixtures`).toBe(pinned)
    }
    expect(manifest.recordings.every((r) => r.status === 200 && r.contentType.startsWith('text/event-stream'))).toBe(true)
  })

  it('one turn: the answer exactly once (no Python reprs as text), usage, end_turn', () => {
    const raw = new TextDecoder().decode(bytesOf('text.sse'))
    // What makes this stream hard: each text chunk also arrives as the str() of Strands' derived event.
    expect(raw).toContain(`data: "{'data': '**Offline ', 'delta': {'text': '**Offline '}, 'agent': <strands.agent.agent.Agent object at 0x`)
    expect(raw).toMatch(/data: "\{'result': AgentResult\(stop_reason='end_turn'/)
    const { events, stopReason, failed, skipped } = normalizeEveryWay('text.sse')
    const answer = composeAnswer({ prompt: promptOf('text.sse'), earlier: [] })
    expect(textOf(events)).toBe(answer)
    expect(events.filter((e) => e.type === 'text').length).toBe(tokenize(answer).length)
    expect(events.filter((e) => e.type === 'usage')).toEqual([
      { type: 'usage', data: { inputTokens: wholeNumber, outputTokens: tokenize(answer).length, latencyMs: wholeNumber } },
    ])
    expect(stopReason).toBe('end_turn')
    expect(failed).toBe(false)
    expect(skipped).toEqual([])
  })

  it('two turns of one session: the second answer recalls the first prompt', () => {
    const first = normalizeEveryWay('multi-turn-1.sse')
    expect(textOf(first.events)).toBe(composeAnswer({ prompt: promptOf('multi-turn-1.sse'), earlier: [] }))
    const second = normalizeEveryWay('multi-turn-2.sse')
    const answer = textOf(second.events)
    expect(answer).toBe(composeAnswer({ prompt: promptOf('multi-turn-2.sse'), earlier: [promptOf('multi-turn-1.sse')] }))
    expect(answer).toContain('Earlier you asked: “First question about rivers” — this is turn 2')
    expect(second.stopReason).toBe('end_turn')
  })

  it('Japanese, emoji and a ZWJ sequence arrive intact at every chunking', () => {
    const prompt = promptOf('japanese-emoji.sse')
    expect(prompt).toContain('👨‍👩‍👧')
    const { events, skipped } = normalizeEveryWay('japanese-emoji.sse')
    const answer = textOf(events)
    expect(answer).toBe(composeAnswer({ prompt, earlier: [] }))
    expect(answer).toContain(`> ${prompt}`)
    expect(answer).not.toContain('\uFFFD')
    expect(skipped).toEqual([])
  })

  it('a tool call: tool start with its input, tool end with its result, then the answer the model gave from it', () => {
    const { events, stopReason, failed, skipped } = normalizeEveryWay('tool-use.sse')
    const tools = events.filter((e) => e.type === 'tool')
    expect(tools).toEqual([
      { type: 'tool', data: { name: 'calculator', status: 'start', id: 'tooluse_offline_1', input: { expression: '(12.5 * 4) / 3' } } },
      {
        type: 'tool',
        data: { name: 'calculator', status: 'end', id: 'tooluse_offline_1', result: JSON.stringify({ expression: '(12.5 * 4) / 3', result: '16.6666666667' }) },
      },
    ])
    // The tool events come before the answer's text, as they happened.
    expect(events.findIndex((e) => e.type === 'text')).toBeGreaterThan(events.findIndex((e) => e.type === 'tool' && e.data.status === 'end'))
    const call = { name: 'calculator' as const, input: { expression: '(12.5 * 4) / 3' } }
    expect(textOf(events)).toBe(answerFromTool(call, 'success', '**16.6666666667**'))
    // One usage per model call: the one that asked for the tool and the one that answered.
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(2)
    expect(stopReason).toBe('end_turn')
    expect(failed).toBe(false)
    expect(skipped).toEqual([])
  })

  it('two tools in one model message: each start with its input, both ends with their results, then one answer from both', () => {
    const { events, stopReason, failed, skipped } = normalizeEveryWay('tools-several.sse')
    expect(promptOf('tools-several.sse')).toBe('Convert 5 km to mile and calculate 12*7')
    const convert = { name: 'convert_units' as const, input: { value: 5, from: 'km', to: 'mile' } }
    const calc = { name: 'calculator' as const, input: { expression: '12*7' } }
    const results = [JSON.stringify({ ...convert.input, result: '3.106856 mile' }), JSON.stringify({ ...calc.input, result: '84' })]
    expect(events.filter((e) => e.type === 'tool')).toEqual([
      { type: 'tool', data: { name: 'convert_units', status: 'start', id: 'tooluse_offline_1', input: convert.input } },
      { type: 'tool', data: { name: 'calculator', status: 'start', id: 'tooluse_offline_1_2', input: calc.input } },
      { type: 'tool', data: { name: 'convert_units', status: 'end', id: 'tooluse_offline_1', result: results[0] } },
      { type: 'tool', data: { name: 'calculator', status: 'end', id: 'tooluse_offline_1_2', result: results[1] } },
    ])
    expect(events.findIndex((e) => e.type === 'text')).toBeGreaterThan(events.findLastIndex((e) => e.type === 'tool'))
    expect(textOf(events)).toBe(
      answerFromTools([
        { call: convert, status: 'success', result: '**3.106856 mile**' },
        { call: calc, status: 'success', result: '**84**' },
      ]),
    )
    // One usage per model call: the one that asked for both tools and the one that answered.
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(2)
    expect(stopReason).toBe('end_turn')
    expect(failed).toBe(false)
    expect(skipped).toEqual([])
  })

  it('a tool that fails: tool error with the reason, then the answer saying so (the turn itself does not fail)', () => {
    const { events, stopReason, failed, skipped } = normalizeEveryWay('tool-error.sse')
    const end = events.filter((e) => e.type === 'tool').at(-1)
    expect(end).toMatchObject({ type: 'tool', data: { name: 'convert_units', status: 'error', id: 'tooluse_offline_1' } })
    const reason = end?.type === 'tool' ? end.data.result : undefined
    expect(reason).toMatch(/^cannot convert parsec to kilogram/)
    const call = { name: 'convert_units' as const, input: { value: 5, from: 'parsec', to: 'kilogram' } }
    expect(textOf(events)).toBe(answerFromTool(call, 'error', reason!))
    expect(stopReason).toBe('end_turn')
    expect(failed).toBe(false)
    expect(skipped).toEqual([])
  })

  it("an agent error: the text so far, then the framework's error frame as agent_error without internals", () => {
    const raw = new TextDecoder().decode(bytesOf('agent-error.sse'))
    expect(raw).toMatch(/data: \{"error": "[^"]*fail:model[^"]*", "error_type": "OfflineModelError", "message": "An error occurred during streaming"\}\n\n$/)
    const { events, failed, skipped } = normalizeEveryWay('agent-error.sse')
    const full = composeAnswer({ prompt: promptOf('agent-error.sse'), earlier: [] })
    const partial = textOf(events)
    expect(partial.length).toBeGreaterThan(0)
    expect(full.startsWith(partial) && partial.length < full.length).toBe(true)
    expect(events.at(-1)).toEqual({ type: 'error', data: { code: 'agent_error', message: AGENT_ERROR_MESSAGE, retryable: false } })
    expect(JSON.stringify(events)).not.toMatch(/OfflineModelError|fail:model halfway/)
    expect(failed).toBe(true)
    expect(skipped).toEqual([])
  })

  it('a turn ended by the cancel invocation: part of the answer, then stop reason cancelled (from the AgentResult repr)', () => {
    const { events, stopReason, skipped } = normalizeEveryWay('cancelled.sse')
    const full = composeAnswer({ prompt: promptOf('cancelled.sse'), earlier: [] })
    const partial = textOf(events)
    expect(partial.length).toBeGreaterThan(0)
    expect(full.startsWith(partial) && partial.length < full.length).toBe(true)
    expect(stopReason).toBe('cancelled')
    expect(skipped).toEqual([])
    // The cancel invocation itself answered with one frame saying it stopped a running turn.
    expect(new TextDecoder().decode(bytesOf('cancel-reply.sse'))).toBe('data: {"cancelled": true}\n\n')
  })
})
