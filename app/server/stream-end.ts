/**
 * Tells, at the end of a relayed stream, whether its last event was `done` — without decoding or
 * parsing the stream on the way through. `done` is always the last event, so only the stream's last
 * few hundred bytes matter: the tracker keeps references to the most recent chunks (no copies, O(1)
 * per chunk) and looks at them once, when the stream ends. Hand-written because this check sits on
 * the per-chunk hot path of /api/invoke, where an SSE parser would cost a decode and a parse per event.
 */
const WINDOW_BYTES = 512

export class StreamEndTracker {
  private chunks: Uint8Array[] = []
  private windowBytes = 0
  private totalBytes = 0

  /** Called for every chunk, in order. */
  push(chunk: Uint8Array): void {
    this.chunks.push(chunk)
    this.windowBytes += chunk.byteLength
    this.totalBytes += chunk.byteLength
    // Drop the oldest chunks while the rest still cover the window.
    while (this.chunks.length > 1 && this.windowBytes - this.chunks[0].byteLength >= WINDOW_BYTES) {
      this.windowBytes -= this.chunks.shift()!.byteLength
    }
  }

  /** Whether the stream so far ends with a complete `done` event (comments after it are allowed). */
  endsWithDone(): boolean {
    const lines = this.tailLines()
    // Walk back over the last event block: blank lines separate blocks, `:` lines are comments.
    let i = lines.length - 1
    while (i >= 0 && (lines[i] === '' || lines[i].startsWith(':'))) i--
    let sawDone = false
    let dataOk = false
    for (; i >= 0 && lines[i] !== ''; i--) {
      const line = lines[i]
      if (line === 'event: done' || line === 'event:done') sawDone = true
      else if (line.startsWith('data:')) dataOk = isJson(line.slice(5))
    }
    return sawDone && dataOk
  }

  /** Whether the stream so far ends between events, so that an appended event starts cleanly. */
  atEventBoundary(): boolean {
    if (this.totalBytes === 0) return true
    const text = this.tailText()
    return /(\r\n|\r|\n)(\r\n|\r|\n)$/.test(text) || /^(\r\n|\r|\n)*$/.test(text)
  }

  private tailText(): string {
    const all = new Uint8Array(this.windowBytes)
    let offset = 0
    for (const c of this.chunks) {
      all.set(c, offset)
      offset += c.byteLength
    }
    return new TextDecoder().decode(all)
  }

  private tailLines(): string[] {
    const lines = this.tailText().split(/\r\n|\r|\n/)
    // Unless the window holds the whole stream, its first line may be the end of a longer line:
    // dropping it means every line looked at is a real, whole line of the stream.
    if (this.windowBytes < this.totalBytes) lines.shift()
    return lines
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
