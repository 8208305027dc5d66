import { encodeEvent } from '../../protocol/events'
import type { StreamingApi } from 'hono/utils/stream'
import { StreamEndTracker } from './stream-end'

export type RelayEnd = 'done' | 'aborted' | { trailer: Uint8Array }

const enc = new TextEncoder()

/**
 * Copies the upstream body to the client chunk by chunk, as bytes, as each chunk arrives: no
 * decoding, no buffering, no waiting for whole lines. The per-chunk work is one read, one write and
 * one O(1) push to the end tracker. When the stream breaks or ends without `done`, returns the events
 * to append (an `error`, then `done`) so the client always learns how the answer ended.
 */
export async function relay(body: ReadableStream<Uint8Array>, out: StreamingApi): Promise<RelayEnd> {
  const reader = body.getReader()
  const tracker = new StreamEndTracker()
  let broken = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      tracker.push(value)
      await out.write(value)
    }
  } catch {
    broken = true
  }
  if (out.aborted) {
    reader.cancel().catch(() => {})
    return 'aborted'
  }
  if (!broken && tracker.endsWithDone()) return 'done'
  const error = broken
    ? { code: 'stream_interrupted' as const, message: 'The answer stream broke off before it finished.', retryable: true }
    : { code: 'stream_incomplete' as const, message: 'The answer stream ended before it finished.', retryable: true }
  // A blank line first ends any half-sent event, so ours parse as events of their own.
  const parts = [
    tracker.atEventBoundary() ? new Uint8Array(0) : enc.encode('\n\n'),
    encodeEvent('error', error),
    encodeEvent('done', { stopReason: 'error' }),
  ]
  return { trailer: concat(parts) }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.byteLength
  }
  return out
}
