/**
 * The Python offline model writes exactly what the TypeScript one writes (aws/agent/offline-answer.ts),
 * asks for the same tools on the same prompts (offline-tool-use.ts), one or several at once, in the
 * same model events (offline-model.ts), and its tools give the same numbers (tool-math.ts), so both
 * agents can be held to the same expected answers.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { Message, type JSONValue, type MessageData, type ModelStreamEvent, type ToolResultBlockData } from '@strands-agents/sdk'
import { describe, expect, it } from 'vitest'
import { en } from '../../app/i18n/en'
import { ja } from '../../app/i18n/ja'
import { asksForTable, composeAnswer, tokenize, type AnswerInput } from '../agent/offline-answer'
import { OfflineModel } from '../agent/offline-model'
import { answerFromTools, planToolCalls, type ToolOutcome } from '../agent/offline-tool-use'
import { convertUnits, evaluateExpression } from '../agent/tool-math'
import { venvPython } from '../local/python/env'

const DIR = fileURLToPath(new URL('.', import.meta.url))
const SCRIPT = `
import json, sys
from offline_answer import compose_answer, tokenize
cases = json.load(sys.stdin)
out = [{"answer": compose_answer(c["prompt"], c["earlier"]), "tokens": tokenize(compose_answer(c["prompt"], c["earlier"]))} for c in cases]
sys.stdout.write(json.dumps(out))
`

async function python(cases: AnswerInput[]): Promise<Array<{ answer: string; tokens: string[] }>> {
  const run = promisify(execFile)
  const child = run(venvPython(), ['-c', SCRIPT], { cwd: DIR, env: { PYTHONIOENCODING: 'utf-8' }, maxBuffer: 64 * 1024 * 1024 })
  child.child.stdin!.end(JSON.stringify(cases))
  return JSON.parse((await child).stdout)
}

// A seeded generator of awkward prompts: mixed scripts, whitespace of every kind, markers, backticks,
// the words that ask for a table and what its cells must escape.
function randomPrompts(count: number): string[] {
  const pieces = ['river', '日本語', '🎉', '👨‍👩‍👧', 'words:17', 'long', '```', '``', '"quoted"', '\\', '\t', '\n', ' ', '\u3000', '\u00a0', '\ufeff', '\u2028', '\u0085', '\u001c', 'é', 'x'.repeat(70), '—', '<b>', ' table ', 'TABLES', '表', '表示', '|', '\\|', '`|`', 'ストリーミング', 'を', '、', '。', '「', '」', '・', 'ー', '々', 'ＡＢＣ１', 'ｶﾀｶﾅ', '𠮷', '×']
  let seed = 7
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(next() * 40) }, () => pieces[Math.floor(next() * pieces.length)]).join(''))
}

describe('the offline models of the two agents', () => {
  it('give byte-identical answers and tokens for the same conversations', async () => {
    const prompts = [
      'How do streams work?',
      'words:300 please',
      'a long answer',
      '  spaced   out  ',
      'x'.repeat(600),
      // The welcome page's example prompts that ask for a table (app/i18n/en.ts, ja.ts example4).
      en.example4,
      ja.example4,
      `table ${'z'.repeat(50)} a|b !"#$%&'()*+,-./:;<=>?@[]^_{}~ \`x\\|y\` || \\`,
      ...randomPrompts(60),
    ]
    const cases: AnswerInput[] = prompts.map((prompt, i) => ({ prompt, earlier: prompts.slice(Math.max(0, i - 2), i) }))
    expect(cases.filter((c) => asksForTable(c.prompt)).length).toBeGreaterThan(10)
    const fromPython = await python(cases)
    expect(fromPython).toHaveLength(cases.length)
    cases.forEach((c, i) => {
      const answer = composeAnswer(c)
      expect(fromPython[i].answer, JSON.stringify(c.prompt)).toBe(answer)
      expect(fromPython[i].tokens, JSON.stringify(c.prompt)).toEqual(tokenize(answer))
    })
  })
})

const TOOLS_SCRIPT = `
import json, sys
from offline_tool_use import ToolCall, answer_from_tools, plan_tool_calls
from tools import convert_units, evaluate_expression
q = json.load(sys.stdin)
offered = {"current_time", "calculator", "convert_units"}
out = {
    "plans": [[{"name": c.name, "input": c.input} for c in plan_tool_calls(p, offered)] for p in q["prompts"]],
    "answers": [answer_from_tools([(ToolCall(o["call"]["name"], o["call"]["input"]), o["status"], o["result"]) for o in a]) for a in q["answers"]],
    "math": [evaluate_expression(e) for e in q["math"]],
    "units": [convert_units(*u) for u in q["units"]],
}
sys.stdout.write(json.dumps(out, ensure_ascii=False))
`

// A seeded generator of prompts that ask for one, several or no tools, joined every way the planner
// parts requests (and some it must not part at).
function randomToolPrompts(count: number): string[] {
  const pieces = [
    'What time is it in Tokyo', 'in London', 'London', 'New York right now', 'Europe/Paris', 'time in America/Chicago', 'convert 5 km to miles', '10 kg to lb',
    'calculate 12*7', 'compute max(1, 2)', '3 * (4 + 5)', '計算して: 2^10', '東京とロンドンの時刻', 'パリは今何時', 'シアトル', '大阪は', '5 km を mile に変換して', 'Explain streaming',
    'please', '1,000', '12.5',
  ]
  const joins = [' and ', ', ', ', and ', '; ', '. ', '? ', ' then ', ' and also ', '、', '。', '？', 'と', '\n', ' ', '\u3000', ',', '.']
  let seed = 11
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)]
  return Array.from({ length: count }, () => {
    let prompt = pick(pieces)
    for (let n = Math.floor(next() * 4); n > 0; n--) prompt += pick(joins) + pick(pieces)
    return prompt + pick(['', '?', '.', '？', '!'])
  })
}

describe('the offline models and tools of the two agents', () => {
  it('plan the same tool calls (one, several or none), answer the same from their results, and compute the same numbers', async () => {
    const prompts = [
      'What time is it in Tokyo?',
      'what time is it in new york right now',
      'time please in Europe/Paris',
      '東京の時刻を教えて',
      'Calculate: (12.5 * 4) / 3.',
      'compute 2^10?',
      '計算してください：sqrt(2) ^ 3',
      'Convert 5 km to mile',
      'convert -40 degC into degF',
      '72 degF を degC に変換して',
      'How do streams work?',
      'time in Atlantis',
      // Several at once (offline-tool-use.ts planToolCalls).
      'What time is it in Tokyo and in London?',
      'What time is it in Tokyo, London and New York?',
      'convert 5 km to miles and calculate 12*7',
      'Convert 5 km to miles and 10 kg to lb',
      'calculate max(1, 2) and 3 * 4',
      '東京とロンドンの時刻は？',
      '東京、ロンドン、パリの時刻を教えて',
      '東京は今何時？ロンドンは？',
      '計算して: 12*7、5 km を mile に変換して',
      'What time is it in Tokyo and Osaka?',
      // Where the patterns were made linear (a number starts where digits start; a city name ends with a letter).
      '3-5 km を mile に変換して',
      'x12.5 km は ft で',
      'time in Tokyo   now',
      'What time is it in New  York?',
      'time in tokyo right now, and in PARIS',
      ...randomToolPrompts(150),
    ]
    const tokyo = { name: 'current_time' as const, input: { timeZone: 'Asia/Tokyo' } }
    const answers: ToolOutcome[][] = [
      [{ call: { name: 'calculator', input: { expression: '1 + 1' } }, status: 'success', result: '**2**' }],
      [{ call: { name: 'convert_units', input: { value: 2.5, from: 'km', to: '日本' } }, status: 'error', result: 'cannot convert' }],
      [
        { call: tokyo, status: 'success', result: '**noon**' },
        { call: { name: 'convert_units', input: { value: 2.5, from: 'km', to: '日本' } }, status: 'error', result: 'cannot convert' },
        { call: { name: 'calculator', input: { expression: '2^10' } }, status: 'success', result: '**1024**' },
      ],
    ]
    const math = ['(12.5 * 4) / 3', 'sqrt(2) ^ 3', '2^10', '1/3*3', '0.1 + 0.2', '10 / 4']
    const units: Array<[number, string, string]> = [[5, 'km', 'mile'], [72, 'degF', 'degC'], [3, 'lb', 'kg'], [1, 'GiB', 'MB'], [100, 'm', 'ft']]
    const run = promisify(execFile)
    const child = run(venvPython(), ['-c', TOOLS_SCRIPT], { cwd: DIR, env: { PYTHONIOENCODING: 'utf-8' }, maxBuffer: 16 * 1024 * 1024 })
    child.child.stdin!.end(JSON.stringify({ prompts, answers, math, units }))
    const py = JSON.parse((await child).stdout) as { plans: unknown[][]; answers: string[]; math: string[]; units: string[] }
    const all = new Set(['current_time', 'calculator', 'convert_units'])
    prompts.forEach((prompt, i) => expect(py.plans[i], JSON.stringify(prompt)).toEqual(planToolCalls(prompt, all)))
    expect(py.plans.slice(0, 12).filter((plan) => plan.length === 1)).toHaveLength(10)
    expect(py.plans.slice(12, 21).every((plan) => plan.length >= 2)).toBe(true)
    // The random prompts hold all three kinds: none, one and several calls.
    const sizes = new Set(py.plans.slice(27).map((plan) => Math.min(plan.length, 2)))
    expect([...sizes].sort()).toEqual([0, 1, 2])
    expect(py.answers).toEqual(answers.map((a) => answerFromTools(a)))
    expect(py.math).toEqual(math.map((e) => evaluateExpression(e)))
    expect(py.units).toEqual(units.map(([v, f, t]) => convertUnits(v, f, t)))
  })
})

const MODEL_SCRIPT = `
import asyncio, json, sys
from offline_model import OfflineModel
specs = [{"name": n, "description": n, "inputSchema": {"json": {"type": "object"}}} for n in ("current_time", "calculator", "convert_units")]
async def run(messages):
    events = []
    async for event in OfflineModel().stream(messages, specs):
        events.append(event)
    return events
sys.stdout.write(json.dumps([asyncio.run(run(m)) for m in json.load(sys.stdin)], ensure_ascii=False))
`

/** A Strands TypeScript model event in the shape of Bedrock's ConverseStream, as Strands Python passes them on. */
function bedrockShape(event: ModelStreamEvent): unknown {
  switch (event.type) {
    case 'modelMessageStartEvent':
      return { messageStart: { role: event.role } }
    case 'modelContentBlockStartEvent':
      return { contentBlockStart: { start: event.start?.type === 'toolUseStart' ? { toolUse: { name: event.start.name, toolUseId: event.start.toolUseId } } : {} } }
    case 'modelContentBlockDeltaEvent':
      return { contentBlockDelta: { delta: event.delta.type === 'textDelta' ? { text: event.delta.text } : event.delta.type === 'toolUseInputDelta' ? { toolUse: { input: event.delta.input } } : {} } }
    case 'modelContentBlockStopEvent':
      return { contentBlockStop: {} }
    case 'modelMessageStopEvent':
      return { messageStop: { stopReason: { toolUse: 'tool_use', endTurn: 'end_turn', maxTokens: 'max_tokens' }[event.stopReason as string] ?? event.stopReason } }
    case 'modelMetadataEvent':
      return { metadata: { usage: event.usage, metrics: event.metrics } }
    default:
      return event
  }
}

describe('the offline model providers of the two agents', () => {
  it('give the same events: the same toolUse blocks in one message for one or several calls, and the same answer from their results', async () => {
    const user = (text: string): MessageData => ({ role: 'user', content: [{ text }] })
    const toolUse = (toolUseId: string, name: string, input: JSONValue) => ({ toolUse: { toolUseId, name, input } })
    const toolResult = (toolUseId: string, status: 'success' | 'error', content: ToolResultBlockData['content'][number]) => ({ toolResult: { toolUseId, status, content: [content] } })
    const conversations: MessageData[][] = [
      [user('What time is it in Tokyo?')],
      [user('What time is it in Tokyo and in London?')],
      [user('5 km を mile に変換して、計算して: 12*7')],
      [user('東京、ロンドン、パリの時刻は？')],
      // The second model call of a turn: the tools' results are back, one or several in one message.
      [
        user('What time is it in Tokyo and in London?'),
        { role: 'assistant', content: [toolUse('tooluse_offline_1', 'current_time', { timeZone: 'Asia/Tokyo' }), toolUse('tooluse_offline_1_2', 'current_time', { timeZone: 'Europe/London' })] },
        {
          role: 'user',
          content: [
            toolResult('tooluse_offline_1', 'success', { json: { timeZone: 'Asia/Tokyo', local: 'Tuesday 21:00' } }),
            toolResult('tooluse_offline_1_2', 'error', { text: 'the clock is gone' }),
          ],
        },
      ],
      [
        user('calculate 6*7'),
        { role: 'assistant', content: [toolUse('tooluse_offline_1', 'calculator', { expression: '6*7' })] },
        { role: 'user', content: [toolResult('tooluse_offline_1', 'success', { json: { expression: '6*7', result: '42' } })] },
      ],
    ]
    const run = promisify(execFile)
    const child = run(venvPython(), ['-c', MODEL_SCRIPT], { cwd: DIR, env: { PYTHONIOENCODING: 'utf-8' } })
    child.child.stdin!.end(JSON.stringify(conversations))
    const fromPython = JSON.parse((await child).stdout) as unknown[][]
    const toolSpecs = ['current_time', 'calculator', 'convert_units'].map((name) => ({ name, description: name, inputSchema: { type: 'object' as const } }))
    // Latency is measured, not computed: it is left out of the comparison.
    const comparable = (events: unknown[]) =>
      events
        .map((e) => JSON.parse(JSON.stringify(e)) as Record<string, { metrics?: unknown; start?: object }>)
        .map((e) => (e.metadata ? { metadata: { ...e.metadata, metrics: undefined } } : e))
        // The Python model opens its text block with an empty contentBlockStart; the TypeScript one starts with the text.
        .filter((e) => !(e.contentBlockStart && Object.keys(e.contentBlockStart.start ?? {}).length === 0))
    for (const [i, conversation] of conversations.entries()) {
      const events: unknown[] = []
      for await (const event of new OfflineModel().stream(conversation.map((m) => Message.fromJSON(m)), { toolSpecs })) events.push(bedrockShape(event))
      expect(comparable(fromPython[i]), JSON.stringify(conversation[0])).toEqual(comparable(events))
    }
    // What the comparison covered: one, two and three toolUse blocks in one message, and answers from several results.
    const blocks = (events: unknown[]) => comparable(events).filter((e) => e.contentBlockStart).length
    expect(fromPython.slice(0, 4).map(blocks)).toEqual([1, 2, 2, 3])
    const text = (events: unknown[]) => (events as Array<{ contentBlockDelta?: { delta: { text?: string } } }>).map((e) => e.contentBlockDelta?.delta.text ?? '').join('')
    expect(text(fromPython[4])).toBe(
      answerFromTools([
        { call: { name: 'current_time', input: { timeZone: 'Asia/Tokyo' } }, status: 'success', result: '**Tuesday 21:00**' },
        { call: { name: 'current_time', input: { timeZone: 'Europe/London' } }, status: 'error', result: 'the clock is gone' },
      ]),
    )
  })
})
