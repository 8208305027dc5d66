import { createParser } from 'eventsource-parser'
import type { StreamEvent } from '../../protocol/events'
import { toStreamEvent } from './read-events'

/** A stream event with the id the conversation gave it (the SSE `id:` line), when it has one. */
export type IdentifiedEvent = StreamEvent & { id?: number }

/**
 * Reads a conversation's SSE body into typed events with their ids: the events as
 * `app/client/read-events.ts` makes them (toStreamEvent), plus the SSE `id:` line. The ids are what a
 * reader sends back (`?after=`) to resume where it was.
 */
export async function* readIdentifiedEvents(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<IdentifiedEvent> {
  const queue: IdentifiedEvent[] = []
  const parser = createParser({
    onEvent(message) {
      const event = toStreamEvent(message)
      if (!event) return
      const id = message.id !== undefined && /^\d+$/.test(message.id) ? Number(message.id) : undefined
      queue.push(id !== undefined ? { ...event, id } : event)
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
