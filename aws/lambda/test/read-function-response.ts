/**
 * Reads a streaming Lambda function response as API Gateway would: the prelude (decoded by the API
 * Gateway emulator's own reader, ../../local/api-gateway/prelude.ts), then the payload, here parsed as
 * SSE as it arrives (test support).
 */
import { createParser } from 'eventsource-parser'
import { readPrelude } from '../../local/api-gateway/prelude'

export interface FunctionPrelude {
  statusCode: number
  headers: Record<string, string>
}

export type Item = { kind: 'prelude'; prelude: FunctionPrelude } | { kind: 'event'; type: string; data: any } | { kind: 'ping' }

/** The prelude and the rest of the body; throws when the function sent no valid prelude. */
async function splitResponse(body: ReadableStream<Uint8Array>): Promise<{ prelude: FunctionPrelude; rest: ReadableStream<Uint8Array> }> {
  const head = await readPrelude(body)
  if (!head.ok) throw new Error(`no valid prelude (${head.reason}): ${head.detail}`)
  // The proxy sets `headers` only, so one value per name.
  return { prelude: { statusCode: head.prelude.statusCode, headers: Object.fromEntries(head.prelude.headers) }, rest: head.rest }
}

export async function* readFunctionResponse(body: ReadableStream<Uint8Array>): AsyncGenerator<Item> {
  const { prelude, rest } = await splitResponse(body)
  yield { kind: 'prelude', prelude }
  const queue: Item[] = []
  const decoder = new TextDecoder()
  const parser = createParser({
    onEvent: (e) => queue.push({ kind: 'event', type: e.event ?? 'message', data: JSON.parse(e.data) }),
    onComment: () => queue.push({ kind: 'ping' }),
  })
  const reader = rest.getReader()
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      parser.feed(decoder.decode(value, { stream: true }))
      while (queue.length) yield queue.shift()!
    }
  } finally {
    reader.releaseLock()
  }
}

/** A complete (not streamed) function response: its prelude and its payload as text. */
export async function readResponse(body: ReadableStream<Uint8Array>): Promise<{ prelude: FunctionPrelude; text: string }> {
  const { prelude, rest } = await splitResponse(body)
  return { prelude, text: await new Response(rest).text() }
}

export async function collect(body: ReadableStream<Uint8Array>) {
  const items: Item[] = []
  for await (const item of readFunctionResponse(body)) items.push(item)
  const prelude = items.find((i) => i.kind === 'prelude')
  return {
    items,
    prelude: prelude?.kind === 'prelude' ? prelude.prelude : undefined,
    events: items.flatMap((i) => (i.kind === 'event' ? [{ type: i.type, data: i.data }] : [])),
    pings: items.filter((i) => i.kind === 'ping').length,
  }
}
