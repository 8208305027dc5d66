import { describe, expect, it } from 'vitest'
import { Agent } from '@strands-agents/sdk'
import { startAgent } from './app'
import { OfflineModel } from './offline-model'
import { answerFromTool, answerFromTools, planToolCalls } from './offline-tool-use'
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
    expect(planToolCalls('What time is it in Tokyo?', ALL)).toEqual([{ name: 'current_time', input: { timeZone: 'Asia/Tokyo' } }])
    expect(planToolCalls('what time is it in America/Chicago', ALL)).toEqual([{ name: 'current_time', input: { timeZone: 'America/Chicago' } }])
    expect(planToolCalls('東京は今何時？', ALL)).toEqual([{ name: 'current_time', input: { timeZone: 'Asia/Tokyo' } }])
    expect(planToolCalls('Please calculate (12.5 * 4) / 3.', ALL)).toEqual([{ name: 'calculator', input: { expression: '(12.5 * 4) / 3' } }])
    expect(planToolCalls('計算して: 2^10', ALL)).toEqual([{ name: 'calculator', input: { expression: '2^10' } }])
    expect(planToolCalls('Convert 5 km to miles', ALL)).toEqual([{ name: 'convert_units', input: { value: 5, from: 'km', to: 'miles' } }])
    expect(planToolCalls('5 km を mile に変換して', ALL)).toEqual([{ name: 'convert_units', input: { value: 5, from: 'km', to: 'mile' } }])
    expect(planToolCalls('Explain streaming', ALL)).toEqual([])
    expect(planToolCalls('calculate 1+1', new Set(['current_time']))).toEqual([])
  })

  it('asks for every tool a prompt asks for, in the order it asks, and keeps one-request prompts as they were', () => {
    const time = (timeZone: string) => ({ name: 'current_time', input: { timeZone } })
    const calc = (expression: string) => ({ name: 'calculator', input: { expression } })
    const convert = (value: number, from: string, to: string) => ({ name: 'convert_units', input: { value, from, to } })
    const cases: Array<[string, object[]]> = [
      ['What time is it in Tokyo and in London?', [time('Asia/Tokyo'), time('Europe/London')]],
      ['What time is it in Tokyo, London and New York?', [time('Asia/Tokyo'), time('Europe/London'), time('America/New_York')]],
      ['convert 5 km to miles and calculate 12*7', [convert(5, 'km', 'miles'), calc('12*7')]],
      ['Calculate 12*7, then convert 5 km to miles.', [calc('12*7'), convert(5, 'km', 'miles')]],
      ['Convert 5 km to miles and 10 kg to lb', [convert(5, 'km', 'miles'), convert(10, 'kg', 'lb')]],
      ['calculate max(1, 2) and 3 * 4', [calc('max(1, 2)'), calc('3 * 4')]],
      ['What time is it in Tokyo? Also calculate 2^10.', [time('Asia/Tokyo'), calc('2^10')]],
      ['東京とロンドンの時刻は？', [time('Asia/Tokyo'), time('Europe/London')]],
      ['東京とロンドンとパリは今何時？', [time('Asia/Tokyo'), time('Europe/London'), time('Europe/Paris')]],
      ['東京、ロンドン、ニューヨークの時刻を教えて', [time('Asia/Tokyo'), time('Europe/London'), time('America/New_York')]],
      ['東京は今何時？ロンドンは？', [time('Asia/Tokyo'), time('Europe/London')]],
      ['計算して: 12*7、5 km を mile に変換して', [calc('12*7'), convert(5, 'km', 'mile')]],
      // Two places in one time zone: one call, as a model would make.
      ['What time is it in Tokyo and Osaka?', [time('Asia/Tokyo')]],
      // One request with commas, periods or `and` inside it stays one request.
      ['calculate 1,000 + 2.5', [calc('1,000 + 2.5')]],
      ['Please calculate max(1, 2) * 3.', [calc('max(1, 2) * 3')]],
      ['What time is it in New York right now?', [time('America/New_York')]],
      ['Explain streaming, and show a table', []],
    ]
    for (const [prompt, calls] of cases) expect(planToolCalls(prompt, ALL), prompt).toEqual(calls)
    // Only the tools the agent has.
    expect(planToolCalls('What time is it in Tokyo and calculate 2^10', new Set(['calculator']))).toEqual([calc('2^10')])
  })

  it('answers several results in one answer, in the order asked; one result exactly as before', () => {
    const tokyo = { name: 'current_time' as const, input: { timeZone: 'Asia/Tokyo' } }
    const bad = { name: 'convert_units' as const, input: { value: 1, from: 'kg', to: 'm' } }
    expect(answerFromTools([{ call: tokyo, status: 'success', result: '**noon**' }])).toBe(answerFromTool(tokyo, 'success', '**noon**'))
    expect(answerFromTools([{ call: tokyo, status: 'success', result: '**noon**' }, { call: bad, status: 'error', result: 'Units do not match' }])).toBe(
      '**Offline model** — I asked 2 tools at once.\n\n' +
        'The `current_time` tool (`{"timeZone":"Asia/Tokyo"}`) says:\n\n**noon**\n\n' +
        'The `convert_units` tool failed for `{"value":1,"from":"kg","to":"m"}`:\n\n> Units do not match\n',
    )
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

  it('several tools asked for in one message: Strands runs them all, sends every result back in one message, and the model answers from all', async () => {
    const agent = new Agent({ model: new OfflineModel(), printer: false, tools: createTools(() => NOON_UTC) })
    const seen: string[] = []
    for await (const event of agent.stream('What time is it in Tokyo and in London?')) {
      if (event.type === 'beforeToolCallEvent' || event.type === 'afterToolCallEvent') seen.push(`${event.type}:${event.toolUse.toolUseId}`)
    }
    // Strands' default executor runs them concurrently: both start before either ends.
    expect(seen).toEqual([
      'beforeToolCallEvent:tooluse_offline_1',
      'beforeToolCallEvent:tooluse_offline_1_2',
      'afterToolCallEvent:tooluse_offline_1',
      'afterToolCallEvent:tooluse_offline_1_2',
    ])
    expect(agent.messages.map((m) => [m.role, m.content.map((b) => b.type).join()])).toEqual([
      ['user', 'textBlock'],
      ['assistant', 'toolUseBlock,toolUseBlock'],
      ['user', 'toolResultBlock,toolResultBlock'],
      ['assistant', 'textBlock'],
    ])
    expect(agent.messages[1].content).toMatchObject([
      { type: 'toolUseBlock', name: 'current_time', toolUseId: 'tooluse_offline_1', input: { timeZone: 'Asia/Tokyo' } },
      { type: 'toolUseBlock', name: 'current_time', toolUseId: 'tooluse_offline_1_2', input: { timeZone: 'Europe/London' } },
    ])
    expect(agent.messages[2].content).toMatchObject([{ toolUseId: 'tooluse_offline_1', status: 'success' }, { toolUseId: 'tooluse_offline_1_2', status: 'success' }])
    const answer = agent.messages[3].content.map((b) => (b.type === 'textBlock' ? b.text : '')).join('')
    expect(answer).toBe(
      answerFromTools([
        { call: { name: 'current_time', input: { timeZone: 'Asia/Tokyo' } }, status: 'success', result: `**${timeIn('Asia/Tokyo', NOON_UTC).local}**` },
        { call: { name: 'current_time', input: { timeZone: 'Europe/London' } }, status: 'success', result: `**${timeIn('Europe/London', NOON_UTC).local}**` },
      ]),
    )
  })

  it('one failing tool among several fails alone: the other result and the failure both reach the answer', async () => {
    const agent = new Agent({ model: new OfflineModel(), printer: false, tools: createTools() })
    const result = await agent.invoke('convert 3 kg to m and calculate 6*7')
    expect(result.stopReason).toBe('endTurn')
    expect(agent.messages[2].content).toMatchObject([{ status: 'error' }, { status: 'success' }])
    const answer = agent.messages[3].content.map((b) => (b.type === 'textBlock' ? b.text : '')).join('')
    expect(answer).toMatch(/^\*\*Offline model\*\* — I asked 2 tools at once\.\n\nThe `convert_units` tool failed for `\{"value":3,"from":"kg","to":"m"\}`:\n\n> .*Units do not match/)
    expect(answer).toContain('The `calculator` tool (`{"expression":"6*7"}`) says:\n\n**42**\n')
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

  it('several tools in one turn: a start and an end per call, each with its own id, name, input and result, then one answer from all', async () => {
    const agent = await startAgent({ host: '127.0.0.1', port: 0, env: {}, config: { logLevel: 'silent', offline: { firstTokenMs: 0, tokensPerSecond: 0 } } })
    try {
      const yields = await readAll(await invoke(agent.url, newTestSessionId(), { prompt: 'convert 5 km to mile and calculate 12*7' }))
      const tools = yields.filter((y) => y.type === 'tool').map((y) => y.data)
      expect(tools.filter((t) => t.status === 'start')).toEqual([
        { id: 'tooluse_offline_1', name: 'convert_units', status: 'start', input: { value: 5, from: 'km', to: 'mile' } },
        { id: 'tooluse_offline_1_2', name: 'calculator', status: 'start', input: { expression: '12*7' } },
      ])
      expect(tools.filter((t) => t.status !== 'start')).toEqual([
        { id: 'tooluse_offline_1', name: 'convert_units', status: 'end', result: '{"value":5,"from":"km","to":"mile","result":"3.106856 mile"}' },
        { id: 'tooluse_offline_1_2', name: 'calculator', status: 'end', result: '{"expression":"12*7","result":"84"}' },
      ])
      // Every tool event comes before the answer's first text.
      expect(yields.findIndex((y) => y.type === 'text')).toBe(4)
      expect(textOf(yields)).toBe(
        answerFromTools([
          { call: { name: 'convert_units', input: { value: 5, from: 'km', to: 'mile' } }, status: 'success', result: '**3.106856 mile**' },
          { call: { name: 'calculator', input: { expression: '12*7' } }, status: 'success', result: '**84**' },
        ]),
      )
      expect(yields.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
    } finally {
      await agent.close()
    }
  })
})
