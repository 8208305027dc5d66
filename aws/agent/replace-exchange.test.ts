import { describe, expect, it } from 'vitest'
import { startAgent } from './app'
import { composeAnswer } from './offline-answer'
import { historyOf, invoke, newTestSessionId, readAll, textOf } from './testing'

describe('replaces: edit, regenerate and retry', () => {
  it('drops the last exchange named by `replaces` (with its tool calls), and nothing when the last prompt is another', async () => {
    const agent = await startAgent({ host: '127.0.0.1', port: 0, env: {}, config: { logLevel: 'silent', offline: { firstTokenMs: 0, tokensPerSecond: 0 } } })
    try {
      const session = newTestSessionId()
      const ask = async (body: object) => textOf(await readAll(await invoke(agent.url, session, body)))
      await ask({ prompt: 'first question' })
      await ask({ prompt: 'calculate 6 * 7' })
      expect(historyOf(agent, session).map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant'])

      // Edit: the tool exchange is replaced; the new answer remembers only the first question.
      const edited = await ask({ prompt: 'second question', replaces: 'calculate 6 * 7' })
      expect(edited).toBe(composeAnswer({ prompt: 'second question', earlier: ['first question'] }))
      expect(historyOf(agent, session).filter((m) => m.role === 'user').map((m) => m.text)).toEqual(['first question', 'second question'])

      // Regenerate: the same prompt again, in place of its own answer.
      const again = await ask({ prompt: 'second question', replaces: 'second question' })
      expect(again).toBe(edited)
      expect(historyOf(agent, session)).toHaveLength(4)

      // A retry whose first attempt never reached the history changes nothing before it.
      await ask({ prompt: 'third question', replaces: 'never asked' })
      expect(historyOf(agent, session).filter((m) => m.role === 'user').map((m) => m.text)).toEqual(['first question', 'second question', 'third question'])
    } finally {
      await agent.close()
    }
  })
})
