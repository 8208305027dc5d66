/**
 * Reads a streamed response chunk by chunk, noting when each chunk arrived, and whether the stream
 * ended properly or was cut. Arrival spacing is measured and reported, never asserted against the
 * clock (timing targets belong in bench/).
 */
export interface TimedChunk {
  /** Milliseconds since the request was sent. */
  atMs: number
  bytes: number
  text: string
}

export interface TimedBody {
  chunks: TimedChunk[]
  text: string
  /** The stream broke instead of ending (a cut: no terminating chunk, a reset). */
  cut: boolean
  error?: string
}

/** Reads `res`'s body to its end (or cut); `sentAt` is performance.now() when the request went out. */
export async function readTimed(res: Response, sentAt: number, stopWhen?: (text: string) => boolean): Promise<TimedBody> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const chunks: TimedChunk[] = []
  let text = ''
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return { chunks, text: text + decoder.decode(), cut: false }
      const piece = decoder.decode(value, { stream: true })
      chunks.push({ atMs: performance.now() - sentAt, bytes: value.byteLength, text: piece })
      text += piece
      if (stopWhen?.(text)) {
        await reader.cancel().catch(() => {})
        return { chunks, text, cut: false }
      }
    }
  } catch (err) {
    return { chunks, text, cut: true, error: String((err as Error).cause ?? (err as Error).message) }
  }
}

export interface Spacing {
  chunks: number
  firstChunkMs: number | null
  lastChunkMs: number | null
  medianGapMs: number | null
  p90GapMs: number | null
  maxGapMs: number | null
}

/** Summary of when the chunks arrived (gaps between consecutive chunks). */
export function spacingOf(chunks: readonly TimedChunk[]): Spacing {
  const gaps = chunks.slice(1).map((c, i) => c.atMs - chunks[i].atMs).sort((a, b) => a - b)
  const pick = (q: number) => (gaps.length ? round(gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))]) : null)
  return {
    chunks: chunks.length,
    firstChunkMs: chunks.length ? round(chunks[0].atMs) : null,
    lastChunkMs: chunks.length ? round(chunks.at(-1)!.atMs) : null,
    medianGapMs: pick(0.5),
    p90GapMs: pick(0.9),
    maxGapMs: gaps.length ? round(gaps.at(-1)!) : null,
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10
