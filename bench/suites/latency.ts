/**
 * Added latency per chunk, coalescing and added time to first byte. Latency is client receive time −
 * upstream send time on one clock. For the per-chunk figures every variant streams in step with the
 * direct path (a pair: the upstream sends both the same event in the same tick), variants in turn,
 * the order rotated each round; a chunk's added latency is its receive time minus its direct twin's.
 * A stall of the shared machine then delays both and cancels out, where comparing two separate runs'
 * p99s compared two draws of the host's stalls.
 */
import { runStream, coalesced, type ChunkArrival, type StreamResult } from '../client'
import { inRounds, rotated, type BenchContext } from '../context'
import { summarize, type Summary } from '../stats'
import type { VariantName } from '../variants'

export interface LatencyFigures {
  /** Per text event, all runs pooled (ms). */
  latency: Summary
  /** Per chunk, receive time minus that of its direct twin (ms): median and p99. 0 for the direct path itself. */
  added: { median: number; p99: number }
  /** Chunks that arrived in the same socket read as the one before, though sent ≥ intervalMs apart. */
  coalesced: { chunks: number; of: number }
  /** Socket reads the client made vs. writes the upstream made (meta + text + done). */
  reads: number
  writes: number
  /** Runs where every chunk arrived, once, in order, ending with done. */
  intact: { runs: number; of: number }
}

export interface TtfbFigures {
  /** Request start → first text event (ms). */
  ttfb: Summary
  added: { median: number; p99: number }
  intact: { runs: number; of: number }
}

/** A figure's median and p99, each minus the direct path's median (NaN without a direct variant). */
function added(s: Summary, direct: Summary | undefined): { median: number; p99: number } {
  // Both against the direct path's median: the direct p99 is one stall of the shared client process
  // away from anything, and subtracting it can even make a proxy look faster than no proxy.
  const base = direct?.median ?? NaN
  return { median: s.median - base, p99: s.p99 - base }
}

const intact = (rs: StreamResult[]) => ({ runs: rs.filter((r) => r.inOrder).length, of: rs.length })

/** Receive time minus the direct twin's, for every chunk both streams got. */
export function pairedDelays(own: readonly ChunkArrival[], twin: readonly ChunkArrival[]): number[] {
  const direct = new Map(twin.map((c) => [c.seq, c.receivedAt]))
  return own.flatMap((c) => (direct.has(c.seq) ? [c.receivedAt - direct.get(c.seq)!] : []))
}

export async function latencySuite(ctx: BenchContext): Promise<Record<string, LatencyFigures>> {
  const { runs, stream } = ctx.config.latency
  const direct = ctx.variants.find((v) => v.name === 'direct')
  const others = ctx.variants.filter((v) => v !== direct)
  const own = new Map<VariantName, StreamResult[]>(ctx.variants.map((v) => [v.name, []]))
  const delays = new Map<VariantName, number[]>(others.map((v) => [v.name, []]))
  for (const v of ctx.variants) await runStream(v, stream, ctx.agent) // warm-up: connections, code caches
  for (let round = 0; round < runs; round++) {
    for (const v of rotated(others, round)) {
      if (!direct) {
        own.get(v.name)!.push(await runStream(v, stream, ctx.agent))
        continue
      }
      const pair = `${round}:${v.name}`
      const [mine, twin] = await Promise.all([runStream(v, { ...stream, pair }, ctx.agent), runStream(direct, { ...stream, pair }, ctx.agent)])
      own.get(v.name)!.push(mine)
      own.get(direct.name)!.push(twin)
      delays.get(v.name)!.push(...pairedDelays(mine.chunks, twin.chunks))
    }
    ctx.log(`latency round ${round + 1}/${runs}`)
  }
  const figures: Record<string, LatencyFigures> = {}
  for (const [name, rs] of own) {
    // Without a direct variant no delays were paired: summarize([]) gives NaN, as for TTFB.
    const d = name === direct?.name ? { median: 0, p99: 0 } : summarize(delays.get(name)!)
    figures[name] = {
      latency: summarize(rs.flatMap((r) => r.chunks.map((c) => c.receivedAt - c.sentAt))),
      added: { median: d.median, p99: d.p99 },
      coalesced: { chunks: rs.reduce((n, r) => n + coalesced(r.chunks), 0), of: rs.reduce((n, r) => n + r.chunks.length, 0) },
      reads: rs.reduce((n, r) => n + r.reads, 0),
      writes: rs.length * (stream.n + 2),
      intact: intact(rs),
    }
  }
  return figures
}

export async function ttfbSuite(ctx: BenchContext): Promise<Record<string, TtfbFigures>> {
  const { runs, stream } = ctx.config.ttfb
  const results = await inRounds(ctx, runs, stream, { warmUp: true, label: 'ttfb' })
  const ttfb = new Map([...results].map(([name, rs]) => [name, summarize(rs.map((r) => r.firstTextAt - r.startedAt))]))
  const figures: Record<string, TtfbFigures> = {}
  for (const [name, rs] of results) {
    figures[name] = { ttfb: ttfb.get(name)!, added: added(ttfb.get(name)!, ttfb.get('direct')), intact: intact(rs) }
  }
  return figures
}
