import { byobReaderOf, type MinByobReader } from './byob-reader'
/**
 * The first reader's stream of a turn whose upstream numbers its own events (FIRST_EVENT_ID_HEADER,
 * protocol/events.ts): the upstream body is teed, one branch piped natively into the reader's
 * IdentityTransformStream (no JavaScript per chunk: workerd pumps it, and pumps the readable across
 * RPC to the Worker), the other read by the conversation for storage, the other readers and replay.
 *
 * Why: handing each event to JavaScript in the object and taking its write back is most of what the
 * durable path adds per chunk (bench/report.md, "The durable path"), whatever the JavaScript does.
 * The conversation's branch is read lazily, at most once per `intervalMs` while the pipe runs: one
 * read takes all that the tee holds for it, so its wake-ups seldom meet an event on its way to the
 * first reader. A branch read at every event would pace the native one (the report's eager tee).
 * Once the pipe has ended (the upstream's end, or the reader left) nothing waits on it: the branch is
 * read at once.
 */
export class NativeRelay {
  /** The first reader's stream: the replay written first, then the upstream's bytes as they come. */
  readonly stream: ReadableStream<Uint8Array>
  /** Settles when the native pipe has ended: the upstream ended or broke, or the reader left. */
  readonly piped: Promise<void>
  private readonly writable: WritableStream<Uint8Array>
  private readonly reader: MinByobReader | ReadableStreamDefaultReader<Uint8Array>
  private readonly byob: boolean
  private buffer = new ArrayBuffer(READ_BYTES)
  private piping = true
  /** The last read filled the buffer: more may wait, read again without a pause. */
  private full = false
  private nap: { timer: ReturnType<typeof setTimeout>; resolve: () => void } | undefined
  private woken = false

  constructor(
    body: ReadableStream<Uint8Array>,
    replay: Uint8Array,
    private readonly intervalMs: number,
  ) {
    const { readable, writable } = new IdentityTransformStream()
    this.stream = readable
    this.writable = writable
    const [live, mine] = body.tee()
    const writer = writable.getWriter()
    if (replay.byteLength > 0) writer.write(replay).catch(() => {})
    writer.releaseLock()
    // preventClose: the conversation writes what follows the upstream's end (its own error and done,
    // when the upstream did not end with done) and closes the stream itself (`end`). A source that
    // fails (the upstream broke, or was aborted) fails the reader's stream: workerd errors a native
    // pipe's destination then even with preventAbort, and with it the reader's side was left hanging
    // (the test "an upstream that breaks…" in conversation.test.ts). The reader then resumes.
    this.piped = live.pipeTo(writable, { preventClose: true }).then(
      () => this.pipeEnded(),
      () => this.pipeEnded(),
    )
    const reader = byobReaderOf(mine)
    this.byob = reader !== undefined
    this.reader = reader ?? mine.getReader()
  }

  /**
   * The next bytes of the upstream body on the conversation's branch, after a pause of `intervalMs`
   * while the pipe runs (unless `pause` is false); undefined at its end. Throws when the upstream broke (or was aborted), after
   * the bytes that came before it.
   */
  async next(pause = true): Promise<Uint8Array | undefined> {
    if (pause && this.piping && !this.woken && !this.full) await this.pause()
    if (!this.byob) {
      const { done, value } = await (this.reader as ReadableStreamDefaultReader<Uint8Array>).read()
      return done ? undefined : value
    }
    const { done, value } = await (this.reader as MinByobReader).read(new Uint8Array(this.buffer), { min: 1 })
    if (done || !value) return undefined
    this.buffer = value.buffer as ArrayBuffer
    this.full = value.byteLength === READ_BYTES
    return value
  }

  /** Reads without pausing from now on: the turn is ending and what the upstream sent must be read. */
  wake(): void {
    this.woken = true
    this.endPause()
  }

  /**
   * After the pipe has ended: writes `tail` (the conversation's own frames, if any) and closes the
   * first reader's stream. A blank line goes first, so that an event the upstream's body ended in the
   * middle of ends there (the conversation's branch counts it the same way) and the tail's frames
   * stand apart. After a failed pipe (the reader left, or the upstream failed and the pipe failed the
   * reader's stream) the writes fail: nothing to do then.
   */
  async end(tail: string): Promise<void> {
    await this.piped
    const writer = this.writable.getWriter()
    try {
      if (tail !== '') await writer.write(encoder.encode('\n\n' + tail))
      await writer.close()
    } catch {
      writer.abort().catch(() => {})
    }
  }

  private pipeEnded(): void {
    this.piping = false
    this.endPause()
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => {
      this.nap = { timer: setTimeout(() => this.endPause(), this.intervalMs), resolve }
    })
  }

  private endPause(): void {
    const nap = this.nap
    if (!nap) return
    this.nap = undefined
    clearTimeout(nap.timer)
    nap.resolve()
  }
}

/** Bytes per read of the conversation's branch: one read takes what 100 ms of a fast answer holds. */
const READ_BYTES = 64 * 1024

const encoder = new TextEncoder()
