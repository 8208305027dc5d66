import { describe, expect, it } from 'vitest'
import { conversationOf } from './seed-history'
import { MAX_HISTORY_CHARS, validateAgentInvoke } from './request'

describe('conversationOf (the Worker’s history as a Converse conversation)', () => {
  it('keeps a well-formed history as it is', () => {
    const h = [
      { role: 'user', text: 'a' },
      { role: 'assistant', text: 'A' },
      { role: 'user', text: 'b' },
      { role: 'assistant', text: 'B' },
    ] as const
    expect(conversationOf(h, 40)).toEqual(h)
  })

  it('joins consecutive messages of one role, drops blank ones, a leading answer and a trailing prompt', () => {
    expect(
      conversationOf(
        [
          { role: 'assistant', text: 'orphan' },
          { role: 'user', text: 'a' },
          { role: 'user', text: 'a2' },
          { role: 'assistant', text: ' ' },
          { role: 'assistant', text: 'A' },
          { role: 'user', text: 'failed turn' },
        ],
        40,
      ),
    ).toEqual([
      { role: 'user', text: 'a\n\na2' },
      { role: 'assistant', text: 'A' },
    ])
  })

  it('keeps the latest messages within the window, starting with a prompt', () => {
    const h = Array.from({ length: 10 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', text: String(i) }) as const)
    expect(conversationOf(h, 3).map((m) => m.text)).toEqual(['8', '9'])
    expect(conversationOf(h, 4).map((m) => m.text)).toEqual(['6', '7', '8', '9'])
    expect(conversationOf(h, 0)).toEqual([])
  })
})

describe('validateAgentInvoke', () => {
  it('takes the edge’s fields and the Worker’s userId and history', () => {
    const v = validateAgentInvoke({ prompt: 'hi', userId: 'u', history: [{ role: 'user', text: '日本 🌊' }] }, 100)
    expect(v).toEqual({ ok: true, value: { prompt: 'hi', userId: 'u', history: [{ role: 'user', text: '日本 🌊' }] } })
    expect(validateAgentInvoke({ prompt: 'hi' }, 100)).toEqual({ ok: true, value: { prompt: 'hi', history: [] } })
  })

  it('counts history in characters (code points), as prompts are', () => {
    expect(validateAgentInvoke({ prompt: 'hi', history: [{ role: 'user', text: '🌊'.repeat(MAX_HISTORY_CHARS) }] }, 100).ok).toBe(true)
    expect(validateAgentInvoke({ prompt: 'hi', history: [{ role: 'user', text: '🌊'.repeat(MAX_HISTORY_CHARS + 1) }] }, 100)).toMatchObject({
      ok: false,
      status: 413,
      code: 'payload_too_large',
    })
  })

  it('applies the edge’s prompt rules first', () => {
    expect(validateAgentInvoke({ prompt: 'x'.repeat(101), history: 'bad' }, 100)).toMatchObject({ ok: false, status: 413, code: 'prompt_too_large' })
    expect(validateAgentInvoke({ prompt: 'hi', userId: 5 }, 100)).toMatchObject({ ok: false, status: 400, code: 'invalid_request' })
  })
})
