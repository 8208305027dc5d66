import { createParser } from 'eventsource-parser'
import { EVENT_TYPES, type EventType, type StreamEvent } from '../../protocol/events'

/** A stream event with the id the conversation gave it (the SSE `id:` line), when it has one. */
export type IdentifiedEvent = StreamEvent & { id?: number }

/**
 * Reads a conversation's SSE body into typed events with their ids, as `app/client/read-events.ts`
 * does without ids (eventsource-parser: events split at any byte, comments, CRLF). The ids are what
 * a reader sends back (`?after=`) to resume where it was.
 */
export async function* readIdentifiedEvents(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<IdentifiedEvent> {
  const queue: IdentifiedEvent[] = []
  const parser = createParser({
    onEvent(message) {
      const type = (message.event ?? 'message') as EventType
      if (!EVENT_TYPES.includes(type)) return
      let data: unknown
      try {
        data = JSON.parse(message.data)
      } catch {
        return
      }
      if (typeof data !== 'object' || data === null) return
      const id = message.id !== undefined && /^\d+$/.test(message.id) ? Number(message.id) : undefined
      queue.push({ type, data, ...(id !== undefined ? { id } : {}) } as IdentifiedEvent)
    },
  })
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>).getReader()
  const cancel = () => void reader.cancel().catch(() => {})
  signal?.addEventListener('abort', cancel)
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parser.feed(value)
      while (queue.length) yield queue.shift()!
    }
    parser.feed('\n\n')
    while (queue.length) yield queue.shift()!
  } finally {
    signal?.removeEventListener('abort', cancel)
    reader.releaseLock()
  }
}
