import { describe, expect, it } from 'vitest'
import { createConversationAgent } from './agent-factory'
import { loadConfig } from './config'
import { OfflineModel } from './offline-model'
import { seedHistory } from './seed-history'

const agent = () => createConversationAgent(new OfflineModel(), loadConfig({}))
const roles = (a: ReturnType<typeof agent>) => a.messages.map((m) => [m.role, m.content.map((b) => (b.type === 'textBlock' ? b.text : '')).join('')])

describe('seedHistory', () => {
  it('gives a fresh session the earlier turns, in order', () => {
    const a = agent()
    const added = seedHistory(a, [
      { role: 'user', text: 'q1' },
      { role: 'assistant', text: 'a1' },
      { role: 'user', text: 'q2' },
      { role: 'assistant', text: 'a2' },
    ])
    expect(added).toBe(4)
    expect(roles(a)).toEqual([
      ['user', 'q1'],
      ['assistant', 'a1'],
      ['user', 'q2'],
      ['assistant', 'a2'],
    ])
  })

  it('ignores the history when the session already has messages', () => {
    const a = agent()
    seedHistory(a, [
      { role: 'user', text: 'mine' },
      { role: 'assistant', text: 'kept' },
    ])
    expect(seedHistory(a, [{ role: 'user', text: 'other' }, { role: 'assistant', text: 'x' }])).toBe(0)
    expect(roles(a)).toEqual([
      ['user', 'mine'],
      ['assistant', 'kept'],
    ])
  })

  it('keeps the roles alternating from a user message: joins runs, drops a leading answer, a trailing prompt and blank texts', () => {
    const a = agent()
    // A turn that ended without an answer (cancelled at once) leaves two prompts in a row.
    seedHistory(a, [
      { role: 'assistant', text: 'orphan' },
      { role: 'user', text: 'q1' },
      { role: 'user', text: 'q2' },
      { role: 'assistant', text: ' ' },
      { role: 'assistant', text: 'a2' },
      { role: 'user', text: 'q3' },
    ])
    expect(roles(a)).toEqual([
      ['user', 'q1\n\nq2'],
      ['assistant', 'a2'],
    ])
  })

  it('adds nothing for no history', () => {
    const a = agent()
    expect(seedHistory(a, undefined)).toBe(0)
    expect(seedHistory(a, [])).toBe(0)
    expect(a.messages).toEqual([])
  })
})
