/**
 * The Python agent honours `replaces` (edit, regenerate, retry) as the TypeScript agent does
 * (aws/agent/replace-exchange.test.ts): the exchange it names leaves the history before the new
 * prompt is answered. The offline model's answer names the earlier prompts it was given
 * (aws/agent/offline-answer.ts, byte-identical in offline_answer.py), so the answers show the history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeAnswer } from '../agent/offline-answer'
import { startPythonAgent, type RunningPythonAgent } from '../local/python/agent'
import { askAgent } from '../local/python/ask-agent'

let agent: RunningPythonAgent

beforeAll(async () => {
  agent = await startPythonAgent({ config: { logLevel: 'silent', offline: { firstTokenMs: 0, tokensPerSecond: 0 } } })
})
afterAll(async () => {
  await agent?.close()
})

const ask = (sessionId: string, body: object) => askAgent(agent.url, sessionId, body)

describe('the Python agent: replaces (edit, regenerate and retry)', () => {
  it('drops the last exchange named by `replaces` (with its tool calls), and nothing when the last prompt is another', async () => {
    const session = 'python-replaces-'.padEnd(40, 'r')
    expect((await ask(session, { prompt: 'first question' })).text).toBe(composeAnswer({ prompt: 'first question', earlier: [] }))
    const tool = await ask(session, { prompt: 'calculate 6 * 7' })
    expect(tool.tools).toEqual(['calculator'])

    // Edit: the tool exchange is replaced; the new answer remembers only the first question.
    const edited = await ask(session, { prompt: 'second question', replaces: 'calculate 6 * 7' })
    expect(edited.text).toBe(composeAnswer({ prompt: 'second question', earlier: ['first question'] }))

    // Regenerate: the same prompt again, in place of its own answer.
    const again = await ask(session, { prompt: 'second question', replaces: 'second question' })
    expect(again.text).toBe(edited.text)

    // A retry whose first attempt never reached the history changes nothing before it.
    const third = await ask(session, { prompt: 'third question', replaces: 'never asked' })
    expect(third.text).toBe(composeAnswer({ prompt: 'third question', earlier: ['first question', 'second question'] }))
  })

  it('refuses a `replaces` that is not a string, and changes nothing', async () => {
    const session = 'python-replaces-bad-'.padEnd(40, 'b')
    await ask(session, { prompt: 'first question' })
    const bad = await ask(session, { prompt: 'second question', replaces: 42 })
    expect(bad.text).toBe('')
    expect(bad.raw).toContain('`replaces` must be the string prompt')
    const next = await ask(session, { prompt: 'second question' })
    expect(next.text).toBe(composeAnswer({ prompt: 'second question', earlier: ['first question'] }))
  })
})
