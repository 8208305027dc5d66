/**
 * The Python agent reads the `history` the edge sends (protocol/request.ts) as the TypeScript agent
 * does (aws/agent/seed-history.ts, aws/local/session-loss.test.ts): a fresh session starts from it, a
 * session that has its turns ignores it. The offline model's answer names the earlier prompts it has in
 * context (aws/agent/offline-answer.ts, byte-identical in offline_answer.py), so the answers show what
 * the agent was seeded with.
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

const session = (name: string) => `python-history-${name}-`.padEnd(40, 'h')

const ask = (sessionId: string, body: object) => askAgent(agent.url, sessionId, body)

describe('the Python agent: the edge’s history seeds a fresh session', () => {
  it('a fresh session answers with the earlier turns of the history in context', async () => {
    const history = [
      { role: 'user', text: 'Plan a slow weekend in Kyoto' },
      { role: 'assistant', text: 'Start at Nanzen-ji, then walk the Philosopher’s Path.' },
      { role: 'user', text: 'And in Nara?' },
      { role: 'assistant', text: 'Tōdai-ji early, before the buses.' },
    ]
    const answer = await ask(session('fresh'), { prompt: 'Where should I eat?', history })
    expect(answer.stopReason).toBe('end_turn')
    expect(answer.text).toBe(composeAnswer({ prompt: 'Where should I eat?', earlier: ['Plan a slow weekend in Kyoto', 'And in Nara?'] }))
    expect(answer.text).toContain('Earlier you asked: “And in Nara?” — this is turn 3 of our conversation.')
    // The seeded turns are the session's own now: the next turn needs no history.
    const next = await ask(session('fresh'), { prompt: 'Thanks!' })
    expect(next.text).toBe(composeAnswer({ prompt: 'Thanks!', earlier: ['Plan a slow weekend in Kyoto', 'And in Nara?', 'Where should I eat?'] }))
  })

  it('a session that has its turns ignores the history', async () => {
    await ask(session('alive'), { prompt: 'First question here' })
    const history = [
      { role: 'user', text: 'A prompt the agent never saw' },
      { role: 'assistant', text: 'An answer it never gave' },
    ]
    const second = await ask(session('alive'), { prompt: 'Second question', history })
    expect(second.text).toBe(composeAnswer({ prompt: 'Second question', earlier: ['First question here'] }))
    expect(second.text).not.toContain('never saw')
  })

  it('makes the roles alternate as the model wants: joins one role’s neighbours, drops a leading answer, a trailing prompt and blank texts', async () => {
    const history = [
      { role: 'assistant', text: 'A greeting before any prompt' },
      { role: 'user', text: 'part one' },
      { role: 'user', text: '   ' },
      { role: 'user', text: 'part two' },
      { role: 'assistant', text: 'An answer' },
      { role: 'user', text: 'A prompt whose answer was lost' },
    ]
    const answer = await ask(session('merge'), { prompt: 'Go on', history })
    expect(answer.text).toBe(composeAnswer({ prompt: 'Go on', earlier: ['part one\n\npart two'] }))
  })

  it('refuses a history that is not a list of {role, text}, and the session stays fresh', async () => {
    for (const history of [{ role: 'user', text: 'not a list' }, [{ role: 'system', text: 'x' }], [{ role: 'user', text: 42 }]]) {
      const bad = await ask(session('bad'), { prompt: 'hello', history })
      expect(bad.text).toBe('')
      expect(bad.raw).toContain('history')
    }
    const ok = await ask(session('bad'), { prompt: 'hello' })
    expect(ok.text).toBe(composeAnswer({ prompt: 'hello', earlier: [] }))
  })
})
