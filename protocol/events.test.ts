import { describe, expect, it } from 'vitest'
import { encodeEvent, formatEvent, MIN_FRAME_BYTES, PING } from './events'

describe('formatEvent', () => {
  it('frames one event with serialized JSON', () => {
    expect(formatEvent('text', { text: 'a\n"b"\n\ndata: x' })).toBe('event: text\ndata: {"text":"a\\n\\"b\\"\\n\\ndata: x"}\n\n')
  })
  it('encodes UTF-8', () => {
    expect(new TextDecoder().decode(encodeEvent('done', { stopReason: 'end_turn' }))).toBe(
      'event: done\ndata: {"stopReason":"end_turn"}\n\n',
    )
  })
})

describe('MIN_FRAME_BYTES', () => {
  it('is not more than the shortest frame of each kind (the conversation reads at least that many between events)', () => {
    const shortest = [
      PING,
      formatEvent('meta', { sessionId: 's'.repeat(33), requestId: '' }),
      formatEvent('text', { text: '' }),
      formatEvent('tool', { name: '', status: 'end' }),
      formatEvent('usage', { latencyMs: 0 }),
      formatEvent('error', { code: 'agent_error', message: '', retryable: false }),
      formatEvent('done', { stopReason: 'error' }),
    ]
    for (const frame of shortest) expect(new TextEncoder().encode(frame).byteLength, frame).toBeGreaterThanOrEqual(MIN_FRAME_BYTES)
    expect(PING.startsWith(': ping')).toBe(true)
  })
})
