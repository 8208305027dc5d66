/** Throughput of one large stream (20 MB by default) sent as fast as the path takes it. */
import { runStream } from '../client'
import { rotated, type BenchContext } from '../context'
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
  const seconds = new Map(ctx.variants.map((v) => [v.name, [] as number[]]))
  const ok = new Map(ctx.variants.map((v) => [v.name, 0]))
  const got = new Map(ctx.variants.map((v) => [v.name, 0]))
  for (let round = 0; round < runs; round++) {
    for (const v of rotated(ctx.variants, round)) {
      const r = await runStream(v, stream, ctx.agent)
      seconds.get(v.name)!.push((r.endedAt - r.startedAt) / 1000)
      if (r.inOrder) ok.set(v.name, ok.get(v.name)! + 1)
      got.set(v.name, r.bodyBytes)
    }
    ctx.log(`throughput round ${round + 1}/${runs}`)
  }
  const figures: Record<string, ThroughputFigures> = {}
  for (const [name, s] of seconds) {
    const sum = summarize(s)
    figures[name] = { seconds: sum, mbPerS: got.get(name)! / 1e6 / sum.median, bytes: got.get(name)!, intact: { runs: ok.get(name)!, of: runs } }
  }
  return figures
}
