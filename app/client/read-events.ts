import { createParser, type EventSourceMessage } from 'eventsource-parser'
import { EVENT_TYPES, type EventType, type StreamEvent } from '../../protocol/events'

/**
 * Turns an /api/invoke response body into typed events. TextDecoderStream handles UTF-8 characters
 * split across chunks; eventsource-parser handles events split at any byte, CRLF/CR line ends and
 * comments (pings). Its EventSourceParserStream drops a final event that lacks the closing blank line
 * (as the SSE spec says); our protocol counts it, so this stream feeds a blank line at the end.
 * Events with unknown types or data that is not JSON are skipped, never shown.
 */
export function eventStream(body: ReadableStream<Uint8Array>): ReadableStream<StreamEvent> {
  let parser: ReturnType<typeof createParser>
  const toEvents = new TransformStream<string, StreamEvent>({
    start(controller) {
      parser = createParser({
        onEvent(message) {
          const event = toStreamEvent(message)
          if (event) controller.enqueue(event)
        },
      })
    },
    transform(chunk) {
      parser.feed(chunk)
    },
    flush() {
      parser.feed('\n\n')
    },
  })
  // The cast: TextDecoderStream's writable side is typed for any BufferSource, a superset of bytes.
  return body.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>).pipeThrough(toEvents)
}

/** Async iteration over `eventStream(body)`, with a reader loop (for browsers without stream iteration). */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const reader = eventStream(body).getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

/** One SSE message as a typed event, or undefined for an unknown type or data that is not a JSON object. */
export function toStreamEvent(message: EventSourceMessage): StreamEvent | undefined {
  const type = (message.event ?? 'message') as EventType
  if (!EVENT_TYPES.includes(type)) return undefined
  try {
    const data = JSON.parse(message.data)
    if (typeof data !== 'object' || data === null) return undefined
    return { type, data } as StreamEvent
  } catch {
    return undefined
  }
}
