/**
 * The Python offline model writes exactly what the TypeScript one writes (aws/agent/offline-answer.ts),
 * asks for the same tools on the same prompts (offline-tool-use.ts) and its tools give the same
 * numbers (tool-math.ts), so both agents can be held to the same expected answers.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { en } from '../../app/i18n/en'
import { ja } from '../../app/i18n/ja'
import { asksForTable, composeAnswer, tokenize, type AnswerInput } from '../agent/offline-answer'
import { answerFromTool, planToolCall, type ToolCall } from '../agent/offline-tool-use'
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
  const pieces = ['river', '日本語', '🎉', '👨‍👩‍👧', 'words:17', 'long', '```', '``', '"quoted"', '\\', '\t', '\n', ' ', '\u3000', '\u00a0', '\ufeff', '\u2028', '\u0085', '\u001c', 'é', 'x'.repeat(70), '—', '<b>', ' table ', 'TABLES', '表', '表示', '|', '\\|', '`|`']
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
from offline_tool_use import ToolCall, answer_from_tool, plan_tool_call
from tools import convert_units, evaluate_expression
q = json.load(sys.stdin)
offered = {"current_time", "calculator", "convert_units"}
plans = []
for p in q["prompts"]:
    c = plan_tool_call(p, offered)
    plans.append(None if c is None else {"name": c.name, "input": c.input})
out = {
    "plans": plans,
    "answers": [answer_from_tool(ToolCall(a["call"]["name"], a["call"]["input"]), a["status"], a["result"]) for a in q["answers"]],
    "math": [evaluate_expression(e) for e in q["math"]],
    "units": [convert_units(*u) for u in q["units"]],
}
sys.stdout.write(json.dumps(out, ensure_ascii=False))
`

describe('the offline models and tools of the two agents', () => {
  it('plan the same tool calls, answer the same from their results, and compute the same numbers', async () => {
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
    ]
    const answers: Array<{ call: ToolCall; status: 'success' | 'error'; result: string }> = [
      { call: { name: 'calculator', input: { expression: '1 + 1' } }, status: 'success', result: '**2**' },
      { call: { name: 'convert_units', input: { value: 2.5, from: 'km', to: '日本' } }, status: 'error', result: 'cannot convert' },
    ]
    const math = ['(12.5 * 4) / 3', 'sqrt(2) ^ 3', '2^10', '1/3*3', '0.1 + 0.2', '10 / 4']
    const units: Array<[number, string, string]> = [[5, 'km', 'mile'], [72, 'degF', 'degC'], [3, 'lb', 'kg'], [1, 'GiB', 'MB'], [100, 'm', 'ft']]
    const run = promisify(execFile)
    const child = run(venvPython(), ['-c', TOOLS_SCRIPT], { cwd: DIR, env: { PYTHONIOENCODING: 'utf-8' } })
    child.child.stdin!.end(JSON.stringify({ prompts, answers, math, units }))
    const py = JSON.parse((await child).stdout) as { plans: unknown[]; answers: string[]; math: string[]; units: string[] }
    const all = new Set(['current_time', 'calculator', 'convert_units'])
    expect(py.plans).toEqual(prompts.map((p) => planToolCall(p, all) ?? null))
    expect(py.plans.filter(Boolean)).toHaveLength(10)
    expect(py.answers).toEqual(answers.map((a) => answerFromTool(a.call, a.status, a.result)))
    expect(py.math).toEqual(math.map((e) => evaluateExpression(e)))
    expect(py.units).toEqual(units.map(([v, f, t]) => convertUnits(v, f, t)))
  })
})
