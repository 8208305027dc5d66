import { describe, expect, it } from 'vitest'
import { StreamingApi } from 'hono/utils/stream'
import { formatEvent } from '../../protocol/events'
import { relay } from './relay'

const enc = new TextEncoder()

/** Runs relay() from `chunks` (then `ending`) into a StreamingApi and returns what the client got. */
async function run(chunks: string[], ending: 'close' | 'error' = 'close') {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(enc.encode(c))
      if (ending === 'close') controller.close()
      else controller.error(new Error('connection reset by upstream at 10.0.0.7'))
    },
  })
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
  const out = new StreamingApi(writable, readable)
  const received = new Response(out.responseReadable).text()
  const end = await relay(source, out)
  if (end !== 'done' && end !== 'aborted') await out.write(end.trailer)
  await out.close()
  return { end, text: await received }
}

describe('relay', () => {
  it('passes the bytes through unchanged when the stream ends with done', async () => {
    const chunks = [formatEvent('text', { text: 'a' }), 'event: te', 'xt\ndata: {"text":"b"}\n\n', formatEvent('done', { stopReason: 'end_turn' })]
    const { end, text } = await run(chunks)
    expect(end).toBe('done')
    expect(text).toBe(chunks.join(''))
  })

  it('appends error and done when the stream ends without done, starting on an event boundary', async () => {
    const { end, text } = await run([formatEvent('text', { text: 'a' }), 'event: text\ndata: {"te'])
    expect(end).not.toBe('done')
    expect(text).toBe(
      formatEvent('text', { text: 'a' }) +
        'event: text\ndata: {"te' +
        '\n\n' +
        formatEvent('error', { code: 'stream_incomplete', message: 'The answer stream ended before it finished.', retryable: true }) +
        formatEvent('done', { stopReason: 'error' }),
    )
  })

  it('appends stream_interrupted when the upstream breaks, with nothing of the upstream error', async () => {
    const { text } = await run([formatEvent('text', { text: 'a' })], 'error')
    expect(text).toContain('event: error\ndata: {"code":"stream_interrupted"')
    expect(text.endsWith(formatEvent('done', { stopReason: 'error' }))).toBe(true)
    expect(text).not.toContain('10.0.0.7')
  })
})
