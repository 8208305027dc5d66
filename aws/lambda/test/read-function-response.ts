/**
 * Reads a streaming Lambda function response as API Gateway would: the JSON prelude up to the 8 NUL
 * delimiter, then the payload, here parsed as SSE as it arrives (test support).
 */
import { createParser } from 'eventsource-parser'

export type Item =
  | { kind: 'prelude'; prelude: { statusCode: number; headers: Record<string, string> }; raw: Uint8Array }
  | { kind: 'event'; type: string; data: any }
  | { kind: 'ping' }

const DELIMITER = 8

export async function* readFunctionResponse(body: ReadableStream<Uint8Array>): AsyncGenerator<Item> {
  let head: Uint8Array = new Uint8Array(0)
  let inPayload = false
  const queue: Item[] = []
  const decoder = new TextDecoder()
  const payloadDecoder = new TextDecoder()
  const parser = createParser({
    onEvent: (e) => queue.push({ kind: 'event', type: e.event ?? 'message', data: JSON.parse(e.data) }),
    onComment: () => queue.push({ kind: 'ping' }),
  })
  for await (const chunk of chunks(body)) {
    let payload = chunk
    if (!inPayload) {
      head = concat(head, chunk)
      const at = findZeros(head)
      if (at < 0) continue
      inPayload = true
      const raw = head.subarray(0, at + DELIMITER)
      yield { kind: 'prelude', prelude: JSON.parse(decoder.decode(head.subarray(0, at))), raw }
      payload = head.subarray(at + DELIMITER)
    }
    parser.feed(payloadDecoder.decode(payload, { stream: true }))
    while (queue.length) yield queue.shift()!
  }
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

export async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  let all: Uint8Array = new Uint8Array(0)
  for await (const chunk of chunks(body)) all = concat(all, chunk)
  return all
}

async function* chunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader()
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

function findZeros(b: Uint8Array): number {
  let run = 0
  for (let i = 0; i < b.length; i++) {
    run = b[i] === 0 ? run + 1 : 0
    if (run === DELIMITER) return i - DELIMITER + 1
  }
  return -1
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
