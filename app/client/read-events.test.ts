import { describe, expect, it } from 'vitest'
import { encodeEvent, formatEvent, PING, type StreamEvent } from '../../protocol/events'
import { eventStream } from './read-events'

const enc = new TextEncoder()

/** A recorded answer: multi-byte characters (2-, 3- and 4-byte UTF-8), pings, a tool call, usage, done. */
const RECORDED =
  formatEvent('meta', { sessionId: 'session-0123456789abcdef0123456789abcdef', requestId: 'edge-1' }) +
  PING +
  formatEvent('meta', { sessionId: 'session-0123456789abcdef0123456789abcdef', requestId: 'lambda-1' }) +
  formatEvent('text', { text: 'Grüße, ' }) +
  formatEvent('text', { text: '世界 😀\n\n- item' }) +
  formatEvent('tool', { name: 'clock', status: 'start', id: 't1' }) +
  PING +
  formatEvent('tool', { name: 'clock', status: 'end', id: 't1' }) +
  formatEvent('text', { text: ' "quoted" <b>not html</b>' }) +
  formatEvent('usage', { inputTokens: 12, outputTokens: 34, latencyMs: 567 }) +
  formatEvent('done', { stopReason: 'end_turn' })

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c)
      controller.close()
    },
  })
}

async function collect(chunks: Uint8Array[]): Promise<StreamEvent[]> {
  const events: StreamEvent[] = []
  const reader = eventStream(streamOf(chunks)).getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return events
    events.push(value)
  }
}

describe('eventStream', () => {
  const bytes = enc.encode(RECORDED)

  it('parses the recorded stream in one chunk', async () => {
    const events = await collect([bytes])
    expect(events.map((e) => e.type)).toEqual(['meta', 'meta', 'text', 'text', 'tool', 'tool', 'text', 'usage', 'done'])
    expect(events.filter((e) => e.type === 'text').map((e) => (e.data as { text: string }).text).join('')).toBe(
      'Grüße, 世界 😀\n\n- item "quoted" <b>not html</b>',
    )
  })

  it('gets the same events when the stream is split at every byte position', async () => {
    const whole = await collect([bytes])
    for (let i = 1; i < bytes.length; i++) {
      const split = await collect([bytes.subarray(0, i), bytes.subarray(i)])
      expect(split, `split at byte ${i}`).toEqual(whole)
    }
  })

  it('gets the same events one byte at a time and with CRLF line ends', async () => {
    const whole = await collect([bytes])
    expect(await collect(Array.from(bytes, (b) => Uint8Array.of(b)))).toEqual(whole)
    const crlf = enc.encode(RECORDED.replace(/\n\n(?=event|:|$)/g, '\r\n\r\n').replace(/\n(?=data)/g, '\r\n'))
    expect(await collect([crlf])).toEqual(whole)
    for (let i = 1; i < crlf.length; i += 7) {
      expect(await collect([crlf.subarray(0, i), crlf.subarray(i)])).toEqual(whole)
    }
  })

  it('keeps a final event that has no closing blank line', async () => {
    const unterminated = enc.encode(formatEvent('text', { text: 'a' }) + formatEvent('done', { stopReason: 'end_turn' }).trimEnd())
    expect((await collect([unterminated])).map((e) => e.type)).toEqual(['text', 'done'])
    expect((await collect([enc.encode('event: text\r\ndata: {"text":"b"}\r')]))).toEqual([{ type: 'text', data: { text: 'b' } }])
  })

  it('skips unknown event types and data that is not a JSON object', async () => {
    const noisy = enc.encode('event: surprise\ndata: {}\n\nevent: text\ndata: {"te\n\ndata: plain\n\n' + formatEvent('text', { text: 'ok' }))
    expect(await collect([noisy, encodeEvent('done', { stopReason: 'end_turn' })])).toEqual([
      { type: 'text', data: { text: 'ok' } },
      { type: 'done', data: { stopReason: 'end_turn' } },
    ])
  })
})
