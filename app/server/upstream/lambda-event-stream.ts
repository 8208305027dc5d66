import { EventStreamCodec, getChunkedStream } from '@smithy/core/event-streams'
import { encodeEvent } from '../../../protocol/events'

/**
 * Lambda's InvokeWithResponseStream answer (`application/vnd.amazon.eventstream`) back to the bytes
 * the function wrote: each `PayloadChunk` event's payload as it arrives. The function writes the
 * project's SSE events (aws/lambda/handler.ts, direct invocations), so the output is the answer.
 *
 * `InvokeComplete` ends the stream; with an `ErrorCode` (the function failed or timed out
 * mid-stream: Lambda API reference, InvokeWithResponseStreamCompleteEvent) or an exception frame,
 * the answer gets an `error` event and `done`, which the function could not write itself. A stream
 * that breaks off before InvokeComplete errors the output, as a cut REST stream does.
 *
 * The framing and CRCs are decoded by Smithy's event-stream codec (the one the AWS SDK uses;
 * `@smithy/eventstream-codec` is now a deprecated re-export of `@smithy/core/event-streams`).
 */
export function decodeInvokeStream(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const codec = new EventStreamCodec(utf8Decode, utf8Encode)
  const reader = body.getReader()
  const messages = getChunkedStream(iterate(reader))[Symbol.asyncIterator]()
  // Whether the payload so far ends between two events: an error event must not be glued onto half of one.
  let atBoundary = true
  let finished = false
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>, failure?: { code: string; details: string }) => {
    finished = true
    if (failure) {
      if (!atBoundary) controller.enqueue(utf8Encode('\n\n'))
      controller.enqueue(encodeEvent('error', { code: 'upstream_error', message: 'The agent service failed while answering.', retryable: true }))
      controller.enqueue(encodeEvent('done', { stopReason: 'error' }))
    }
    controller.close()
    void reader.cancel().catch(() => {})
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (!finished) {
        let next: IteratorResult<Uint8Array>
        try {
          next = await messages.next()
        } catch (err) {
          finished = true
          return controller.error(err)
        }
        if (next.done) {
          finished = true
          return controller.error(new Error('The Lambda response stream ended without InvokeComplete.'))
        }
        const message = codec.decode(next.value)
        const messageType = message.headers[':message-type']?.value
        const eventType = message.headers[':event-type']?.value
        if (messageType === 'event' && eventType === 'PayloadChunk') {
          if (message.body.length === 0) continue
          atBoundary = endsWithBlankLine(message.body)
          controller.enqueue(message.body)
          return
        }
        if (messageType === 'event' && eventType === 'InvokeComplete') {
          const complete = parseComplete(message.body)
          return finish(controller, complete.ErrorCode ? { code: complete.ErrorCode, details: complete.ErrorDetails ?? '' } : undefined)
        }
        if (messageType === 'exception' || messageType === 'error') {
          const code = String(message.headers[':exception-type']?.value ?? message.headers[':error-code']?.value ?? 'unknown')
          return finish(controller, { code, details: utf8Decode(message.body) })
        }
        // Unknown event types are skipped, as the SDK skips them.
      }
    },
    cancel(reason) {
      finished = true
      return reader.cancel(reason)
    },
  })
}

/** `{ErrorCode?, ErrorDetails?, LogResult?}`; an unreadable body counts as an error. */
function parseComplete(bytes: Uint8Array): { ErrorCode?: string; ErrorDetails?: string } {
  if (bytes.length === 0) return {}
  try {
    const parsed = JSON.parse(utf8Decode(bytes)) as { ErrorCode?: unknown; ErrorDetails?: unknown }
    return {
      ErrorCode: typeof parsed.ErrorCode === 'string' && parsed.ErrorCode ? parsed.ErrorCode : undefined,
      ErrorDetails: typeof parsed.ErrorDetails === 'string' ? parsed.ErrorDetails : undefined,
    }
  } catch {
    return { ErrorCode: 'UnreadableInvokeComplete' }
  }
}

function endsWithBlankLine(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[bytes.length - 1] === 0x0a && bytes[bytes.length - 2] === 0x0a
}

async function* iterate(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    yield value
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text)
}
function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes)
}
