/** A BYOB reader with the Streams standard's `min` read option, which workerd implements (TypeScript's DOM types lack it). */
export interface MinByobReader {
  read(view: Uint8Array, options: { min: number }): Promise<ReadableStreamReadResult<Uint8Array>>
  cancel(reason?: unknown): Promise<void>
}

/**
 * A BYOB reader of the upstream body when it is a byte stream (a fetch body), else undefined. Its
 * user (conversation.ts's pump, native-relay.ts) then reads into one buffer, handed back with each
 * result and used again for the next read, where a default reader allocates a fresh buffer for every
 * chunk. Bodies built in JavaScript (the
 * WebSocket upstream, the event-stream decoders: app/server/upstream/) are not byte streams.
 *
 * It also lets a read ask for at least a number of bytes. workerd's HTTP client reads each chunk of a
 * chunked body with its header in a read of at most 32 bytes and hands out those first bytes of the
 * chunk on their own (kj's HttpInputStreamImpl: MAX_CHUNK_HEADER_SIZE; strace of workerd shows
 * `read(fd, "83\r\nevent: text…", 32) = 32`, then `read(fd, …, 103)`): an event of 131 bytes in one
 * upstream write reached the pump in two reads, 28 + 103 bytes, so in two wake-ups. Between two
 * events (the last read ended with a blank line) the pump asks for MIN_FRAME_BYTES, more than those
 * 28: the event then comes in one read. No whole event or heartbeat is shorter (protocol/events.ts),
 * so this never holds one back; within an event any byte will do, as the rest may be short. At the
 * body's end the read returns what there is.
 */
export function byobReaderOf(body: ReadableStream<Uint8Array>): MinByobReader | undefined {
  try {
    return body.getReader({ mode: 'byob' }) as unknown as MinByobReader
  } catch {
    return undefined
  }
}
