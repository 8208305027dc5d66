import { describe, expect, it } from 'vitest'
import { encodeEvent, formatEvent } from './events'

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
