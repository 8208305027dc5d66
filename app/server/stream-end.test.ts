import { describe, expect, it } from 'vitest'
import { encodeEvent, PING } from '../../protocol/events'
import { StreamEndTracker } from './stream-end'

const enc = new TextEncoder()

function track(text: string, chunkSize = text.length): StreamEndTracker {
  const bytes = enc.encode(text)
  const t = new StreamEndTracker()
  for (let i = 0; i < bytes.length; i += chunkSize) t.push(bytes.subarray(i, i + chunkSize))
  return t
}

const text = (s: string) => new TextDecoder().decode(encodeEvent('text', { text: s }))
const done = new TextDecoder().decode(encodeEvent('done', { stopReason: 'end_turn' }))

describe('StreamEndTracker', () => {
  it('sees a final done event at any chunking, also after a long answer', () => {
    const stream = text('a'.repeat(5000)) + text('ü€😀 event: done') + done
    for (const size of [1, 2, 3, 7, 64, 511, 512, 513, 4096, stream.length]) {
      const t = track(stream, size)
      expect(t.endsWithDone(), `chunk size ${size}`).toBe(true)
      expect(t.atEventBoundary()).toBe(true)
    }
  })

  it('accepts CRLF line ends, a missing final blank line and pings after done', () => {
    expect(track(done.replace(/\n/g, '\r\n')).endsWithDone()).toBe(true)
    expect(track(done.trimEnd()).endsWithDone()).toBe(true)
    expect(track(done + PING + PING).endsWithDone()).toBe(true)
  })

  it('does not take done-looking text, a truncated done or an earlier done for the end', () => {
    expect(track(text('\nevent: done\n')).endsWithDone()).toBe(false)
    expect(track(text('x'.repeat(600) + 'event: done')).endsWithDone()).toBe(false)
    expect(track(done.slice(0, -6)).endsWithDone()).toBe(false)
    expect(track('event: done\n\n').endsWithDone()).toBe(false)
    expect(track(done + text('more')).endsWithDone()).toBe(false)
    expect(track('').endsWithDone()).toBe(false)
  })

  it('knows whether the stream stopped between events', () => {
    expect(track('').atEventBoundary()).toBe(true)
    expect(track(text('hi')).atEventBoundary()).toBe(true)
    expect(track(text('hi').slice(0, -1)).atEventBoundary()).toBe(false)
    expect(track('event: text\ndata: {"te').atEventBoundary()).toBe(false)
  })
})
