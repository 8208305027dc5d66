/**
 * The Python offline model writes exactly what the TypeScript one writes (aws/agent/offline-answer.ts),
 * so both agents can be held to the same expected answers: the same conversations through both.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { composeAnswer, tokenize, type AnswerInput } from '../agent/offline-answer'
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

// A seeded generator of awkward prompts: mixed scripts, whitespace of every kind, markers, backticks.
function randomPrompts(count: number): string[] {
  const pieces = ['river', '日本語', '🎉', '👨‍👩‍👧', 'words:17', 'long', '```', '``', '"quoted"', '\\', '\t', '\n', ' ', '\u3000', '\u00a0', '\ufeff', '\u2028', '\u0085', '\u001c', 'é', 'x'.repeat(70), '—', '<b>']
  let seed = 7
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(next() * 40) }, () => pieces[Math.floor(next() * pieces.length)]).join(''))
}

describe('the offline models of the two agents', () => {
  it('give byte-identical answers and tokens for the same conversations', async () => {
    const prompts = ['How do streams work?', 'words:300 please', 'a long answer', '  spaced   out  ', 'x'.repeat(600), ...randomPrompts(60)]
    const cases: AnswerInput[] = prompts.map((prompt, i) => ({ prompt, earlier: prompts.slice(Math.max(0, i - 2), i) }))
    const fromPython = await python(cases)
    expect(fromPython).toHaveLength(cases.length)
    cases.forEach((c, i) => {
      const answer = composeAnswer(c)
      expect(fromPython[i].answer, JSON.stringify(c.prompt)).toBe(answer)
      expect(fromPython[i].tokens, JSON.stringify(c.prompt)).toEqual(tokenize(answer))
    })
  })
})
