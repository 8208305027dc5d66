/** Throughput of one large stream (20 MB by default) sent as fast as the path takes it. */
import { inRounds, type BenchContext } from '../context'
import { summarize, type Summary } from '../stats'

export interface ThroughputFigures {
  /** Seconds for the whole stream. */
  seconds: Summary
  /** MB/s (10^6 bytes) at the median time. */
  mbPerS: number
  bytes: number
  intact: { runs: number; of: number }
}

export async function throughputSuite(ctx: BenchContext): Promise<Record<string, ThroughputFigures>> {
  const { runs, bytes, eventSize } = ctx.config.throughput
  const stream = { n: Math.ceil(bytes / eventSize), size: eventSize, intervalMs: 0 }
  const figures: Record<string, ThroughputFigures> = {}
  for (const [name, rs] of await inRounds(ctx, runs, stream, { warmUp: false, label: 'throughput' })) {
    const seconds = summarize(rs.map((r) => (r.endedAt - r.startedAt) / 1000))
    const got = rs.at(-1)?.bodyBytes ?? 0
    figures[name] = { seconds, mbPerS: got / 1e6 / seconds.median, bytes: got, intact: { runs: rs.filter((r) => r.inOrder).length, of: runs } }
  }
  return figures
}
