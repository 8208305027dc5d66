import { describe, expect, it } from 'vitest'
import { Agent } from '@strands-agents/sdk'
import { startAgent } from './app'
import { OfflineModel } from './offline-model'
import { planToolCall } from './offline-tool-use'
import { invoke, newTestSessionId, readAll, textOf } from './testing'
import { timeIn } from './tool-clock'
import { convertUnits, evaluateExpression } from './tool-math'
import { createTools } from './tools'

const NOON_UTC = new Date('2026-12-01T12:00:00Z')
const ALL = new Set(['current_time', 'calculator', 'convert_units'])

describe('the tools', () => {
  it('current_time: the time in an IANA zone, from the given clock; an unknown zone is a clear error', () => {
    // The wording of `local` comes from the ICU that Node ships, which changes between versions.
    expect(timeIn('Asia/Tokyo', NOON_UTC)).toMatchObject({ timeZone: 'Asia/Tokyo', iso: '2026-12-01T12:00:00.000Z' })
    expect(timeIn('Asia/Tokyo', NOON_UTC).local).toMatch(/Tuesday.*1 December 2026.*21:00:00 GMT\+9/)
    expect(timeIn('Europe/London', NOON_UTC).local).toMatch(/1 December 2026.*12:00:00 GMT/)
    expect(() => timeIn('Mars/Olympus', NOON_UTC)).toThrow(/unknown time zone "Mars\/Olympus"/)
  })

  it('calculator: exact arithmetic, and the functions that define, import or allocate at will are refused', () => {
    expect(evaluateExpression('(12.5 * 4) / 3')).toBe('16.6666666667')
    expect(evaluateExpression('2^10 + sqrt(16)')).toBe('1028')
    for (const bad of ['import({x: 1})', 'evaluate("1")', 'createUnit("foo")', 'zeros(1e9)', '1:1e9', 'random()']) {
      expect(() => evaluateExpression(bad), bad).toThrow(/not available/)
    }
    expect(() => evaluateExpression('1 +')).toThrow()
  })

  it('convert_units: between units of one kind; across kinds is an error', () => {
    expect(convertUnits(5, 'km', 'mile')).toBe('3.106856 mile')
    expect(convertUnits(212, 'degF', 'degC')).toBe('100 degC')
    expect(() => convertUnits(1, 'kg', 'm')).toThrow(/Units do not match/)
  })
})

describe('the offline model asks for tools as a Bedrock model would', () => {
  it('reads the request from English and Japanese prompts, and only for tools the agent has', () => {
    expect(planToolCall('What time is it in Tokyo?', ALL)).toEqual({ name: 'current_time', input: { timeZone: 'Asia/Tokyo' } })
    expect(planToolCall('what time is it in America/Chicago', ALL)).toEqual({ name: 'current_time', input: { timeZone: 'America/Chicago' } })
    expect(planToolCall('東京は今何時？', ALL)).toEqual({ name: 'current_time', input: { timeZone: 'Asia/Tokyo' } })
    expect(planToolCall('Please calculate (12.5 * 4) / 3.', ALL)).toEqual({ name: 'calculator', input: { expression: '(12.5 * 4) / 3' } })
    expect(planToolCall('計算して: 2^10', ALL)).toEqual({ name: 'calculator', input: { expression: '2^10' } })
    expect(planToolCall('Convert 5 km to miles', ALL)).toEqual({ name: 'convert_units', input: { value: 5, from: 'km', to: 'miles' } })
    expect(planToolCall('5 km を mile に変換して', ALL)).toEqual({ name: 'convert_units', input: { value: 5, from: 'km', to: 'mile' } })
    expect(planToolCall('Explain streaming', ALL)).toBeUndefined()
    expect(planToolCall('calculate 1+1', new Set(['current_time']))).toBeUndefined()
  })

  it('runs through the Strands agent loop: toolUse, the tool runs, its result comes back, the model answers from it', async () => {
    const agent = new Agent({ model: new OfflineModel(), printer: false, tools: createTools(() => NOON_UTC) })
    const seen: string[] = []
    for await (const event of agent.stream('What time is it in Tokyo?')) {
      if (event.type === 'beforeToolCallEvent' || event.type === 'afterToolCallEvent') seen.push(`${event.type}:${event.toolUse.name}`)
    }
    expect(seen).toEqual(['beforeToolCallEvent:current_time', 'afterToolCallEvent:current_time'])
    expect(agent.messages.map((m) => [m.role, m.content.map((b) => b.type).join()])).toEqual([
      ['user', 'textBlock'],
      ['assistant', 'toolUseBlock'],
      ['user', 'toolResultBlock'],
      ['assistant', 'textBlock'],
    ])
    const answer = agent.messages[3].content.map((b) => (b.type === 'textBlock' ? b.text : '')).join('')
    expect(answer).toContain(`**${timeIn('Asia/Tokyo', NOON_UTC).local}**`)
  })

  it('a failing tool call is an error result the model answers from, not a failed turn', async () => {
    const agent = new Agent({ model: new OfflineModel(), printer: false, tools: createTools() })
    const result = await agent.invoke('convert 3 kg to m')
    expect(result.stopReason).toBe('endTurn')
    expect(agent.messages[2].content[0]).toMatchObject({ type: 'toolResultBlock', status: 'error' })
    expect(agent.messages[3].content.map((b) => (b.type === 'textBlock' ? b.text : '')).join('')).toContain('the `convert_units` tool failed')
  })
})

describe('the agent container streams tool calls', () => {
  it('sends tool start (name, input) and end (result) around the answer, then usage summed over both model calls', async () => {
    const agent = await startAgent({ host: '127.0.0.1', port: 0, env: {}, config: { logLevel: 'silent', offline: { firstTokenMs: 0, tokensPerSecond: 0 } } })
    try {
      const yields = await readAll(await invoke(agent.url, newTestSessionId(), { prompt: 'calculate 6 * 7' }))
      const tools = yields.filter((y) => y.type === 'tool')
      const id = tools[0]?.type === 'tool' ? tools[0].data.id : undefined
      expect(id).toMatch(/\S/)
      expect(tools).toEqual([
        { type: 'tool', data: { id, name: 'calculator', status: 'start', input: { expression: '6 * 7' } } },
        { type: 'tool', data: { id, name: 'calculator', status: 'end', result: '{"expression":"6 * 7","result":"42"}' } },
      ])
      expect(yields.findIndex((y) => y.type === 'tool')).toBe(0)
      expect(textOf(yields)).toContain('**42**')
      const usage = yields.at(-2)
      const texts = yields.filter((y) => y.type === 'text').length
      // The second model call's output tokens (the text) plus the first's (the tool input).
      expect(usage?.type === 'usage' && usage.data.outputTokens).toBeGreaterThan(texts)
      // The model's id, which the page prices the answer by (app/config/model-prices.json).
      expect(usage?.type === 'usage' && usage.data.modelId).toBe('offline')
      expect(yields.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
    } finally {
      await agent.close()
    }
  })
})
