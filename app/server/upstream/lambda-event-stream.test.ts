import { describe, expect, it } from 'vitest'
import { formatEvent } from '../../../protocol/events'
import { invokeComplete, payloadChunk } from '../../../aws/local/lambda-api/frames'
import { decodeInvokeStream } from './lambda-event-stream'

const enc = new TextEncoder()

/** A body that delivers `bytes` in pieces of `size` bytes, so messages straddle reads. */
function bodyOf(bytes: Uint8Array, size = bytes.length, thenError?: Error): ReadableStream<Uint8Array> {
  let offset = 0
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return thenError ? controller.error(thenError) : controller.close()
      controller.enqueue(bytes.slice(offset, offset + size))
      offset += size
    },
  })
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const meta = formatEvent('meta', { sessionId: 's'.repeat(40), requestId: 'r' })
const text = formatEvent('text', { text: 'こんにちは 🌊' })
const done = formatEvent('done', { stopReason: 'end_turn' })

describe('decodeInvokeStream', () => {
  it('yields the PayloadChunks in order, however the frames are split, and ends at InvokeComplete', async () => {
    const frames = concat(payloadChunk(enc.encode(meta)), payloadChunk(enc.encode(text)), payloadChunk(enc.encode(done)), invokeComplete())
    for (const size of [frames.length, 7, 1]) {
      expect(await new Response(decodeInvokeStream(bodyOf(frames, size))).text()).toBe(meta + text + done)
    }
  })

  it('an InvokeComplete with an ErrorCode becomes an error event and done, after a half-written event too', async () => {
    const half = 'event: text\ndata: {"te'
    const frames = concat(payloadChunk(enc.encode(meta + half)), invokeComplete({ ErrorCode: 'Runtime.ExitError', ErrorDetails: '{"errorMessage":"boom"}' }))
    const out = await new Response(decodeInvokeStream(bodyOf(frames, 5))).text()
    expect(out).toBe(
      meta + half + '\n\n' + formatEvent('error', { code: 'upstream_error', message: 'The agent service failed while answering.', retryable: true }) + formatEvent('done', { stopReason: 'error' }),
    )
    // The function's error text is never passed on.
    expect(out).not.toContain('boom')
  })

  it('a stream that breaks off before InvokeComplete errors the output (no made-up done)', async () => {
    const frames = concat(payloadChunk(enc.encode(meta)), payloadChunk(enc.encode(text)).slice(0, 20))
    const reader = decodeInvokeStream(bodyOf(frames)).getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(meta)
    await expect(reader.read()).rejects.toThrow(/Truncated/)
    const cut = decodeInvokeStream(bodyOf(payloadChunk(enc.encode(meta)), undefined, new Error('connection reset'))).getReader()
    await cut.read()
    await expect(cut.read()).rejects.toThrow('connection reset')
  })

  it('cancelling the output cancels the Lambda response', async () => {
    let cancelled: unknown
    const body = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(payloadChunk(enc.encode(meta))),
      cancel: (reason) => {
        cancelled = reason
      },
    })
    const reader = decodeInvokeStream(body).getReader()
    await reader.read()
    await reader.cancel('client gone')
    expect(cancelled).toBe('client gone')
  })
})
