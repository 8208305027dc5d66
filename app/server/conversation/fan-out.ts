import { encodeFrames, frameText, PING_BYTES } from './sse'
import type { StoredEvent } from './store'

interface Reader {
  writer: WritableStreamDefaultWriter<Uint8Array>
  /** Events up to this id reached the reader before it came (it resumed ahead of the conversation): they are not sent again. */
  after: number
  /** The handler of this reader's failed writes, made once (not a closure per write). */
  failed: (error: unknown) => void
}

/**
 * The readers connected to a conversation's running turn. A slow or vanished reader never holds up
 * the turn or the other readers (writes are never awaited: each reader's stream queues them, and the
 * turn's size is bounded by the conversation's byte cap). A reader that leaves is dropped; the turn goes on.
 *
 * Each reader's stream is the readable side of an IdentityTransformStream, a byte stream of workerd's
 * own: returned over RPC to the Worker (routes.ts), workerd pumps it across with no JavaScript per
 * chunk, where a ReadableStream with a JavaScript source costs a read promise per chunk in this
 * object. It is also how a reader leaving is seen: the reader's writes fail (workerd: "Network
 * connection lost." across RPC), and `left` handles that. A JavaScript source handed to RPC left
 * workerd's own pump's rejection unhandled instead ("Uncaught (in promise) Error: Network connection lost.").
 *
 * Frames go out once per upstream read, not once per event: `queue` collects the events of one read,
 * `flush` encodes them once and writes the same bytes to every reader.
 */
export class FanOut {
  private readonly readers = new Set<Reader>()
  /** Events queued since the last flush. */
  private queued: StoredEvent[] = []

  get size(): number {
    return this.readers.size
  }

  /** A stream that starts with `replay`, then gets every later event; closed after the replay if `live` is false. */
  open(replay: StoredEvent[], live: boolean, after = 0): ReadableStream<Uint8Array> {
    // Events queued so far are in `replay` already (the store has them): the readers before this one get them now, this one once.
    this.flush()
    const { readable, writable } = new IdentityTransformStream()
    const last = replay.at(-1)?.id ?? 0
    const reader: Reader = { writer: writable.getWriter(), after: last >= after ? 0 : after, failed: (error) => this.left(reader, error) }
    if (replay.length > 0) {
      let text = ''
      for (const e of replay) text += frameText(e)
      this.write(reader, encodeFrames(text))
    }
    if (live) this.readers.add(reader)
    else this.end(reader)
    return readable
  }

  /** Adds an event to what the next `flush` writes. */
  queue(e: StoredEvent): void {
    if (this.readers.size === 0) return
    this.queued.push(e)
  }

  /** Writes the queued events to every reader: one encode, one write per reader. */
  flush(): void {
    if (this.queued.length === 0) return
    const events = this.queued
    this.queued = []
    let text = ''
    for (const e of events) text += frameText(e)
    const bytes = encodeFrames(text)
    for (const r of this.readers) {
      if (r.after === 0) this.write(r, bytes)
      else this.writeAfter(r, events)
    }
  }

  /** A reader ahead of the conversation: only the events above its id, and none of the rest once it has caught up. */
  private writeAfter(r: Reader, events: StoredEvent[]): void {
    let text = ''
    for (const e of events) if (e.id > r.after) text += frameText(e)
    if (events.at(-1)!.id >= r.after) r.after = 0
    if (text !== '') this.write(r, encodeFrames(text))
  }

  send(e: StoredEvent): void {
    this.queue(e)
    this.flush()
  }

  ping(): void {
    this.flush()
    for (const r of this.readers) this.write(r, PING_BYTES)
  }

  closeAll(): void {
    this.flush()
    for (const r of this.readers) this.end(r)
    this.readers.clear()
  }

  private write(r: Reader, bytes: Uint8Array): void {
    r.writer.write(bytes).catch(r.failed)
  }

  private end(r: Reader): void {
    r.writer.close().catch(r.failed)
  }

  /**
   * A reader's stream refused a write or its close: its other side is gone (the client left, or the
   * Worker cancelled the stream), which is expected, so the reader is dropped. A TypeError is not
   * that: it means the bytes written were wrong, a bug, and it is thrown on so that it shows.
   */
  private left(r: Reader, error: unknown): void {
    this.readers.delete(r)
    if (error instanceof TypeError) throw error
  }
}
