import { frameEvent, PING_BYTES } from './sse'
import type { StoredEvent } from './store'

interface Reader {
  controller: ReadableStreamDefaultController<Uint8Array>
}

/**
 * The readers connected to a conversation's running turn. Each gets its own stream with an
 * unbounded queue: a slow or vanished reader never holds up the turn or the other readers, and the
 * turn's size is bounded by the conversation's byte cap. A reader that cancels (the client went
 * away) is dropped; the turn goes on.
 */
export class FanOut {
  private readonly readers = new Set<Reader>()

  get size(): number {
    return this.readers.size
  }

  /** A stream that starts with `replay`, then gets every later event; closed at once if `live` is false. */
  open(replay: StoredEvent[], live: boolean): ReadableStream<Uint8Array> {
    let reader: Reader
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        reader = { controller }
        for (const e of replay) controller.enqueue(frameEvent(e))
        if (live) this.readers.add(reader)
        else controller.close()
      },
      cancel: () => {
        this.readers.delete(reader)
      },
    })
  }

  send(e: StoredEvent): void {
    if (this.readers.size === 0) return
    this.write(frameEvent(e))
  }

  ping(): void {
    this.write(PING_BYTES)
  }

  closeAll(): void {
    for (const r of this.readers) {
      try {
        r.controller.close()
      } catch {}
    }
    this.readers.clear()
  }

  private write(bytes: Uint8Array): void {
    for (const r of this.readers) {
      try {
        r.controller.enqueue(bytes)
      } catch {
        this.readers.delete(r)
      }
    }
  }
}
