/**
 * Added latency per chunk, coalescing and added time to first byte. Every variant streams the same
 * answer in turn (order rotated each round); latency is client receive time − upstream send time
 * on one clock, and "added" subtracts the direct variant's figure.
 */
import { coalesced, type StreamResult } from '../client'
import { inRounds, type BenchContext } from '../context'
import { summarize, type Summary } from '../stats'

export interface LatencyFigures {
  /** Per text event, all runs pooled (ms). */
  latency: Summary
  /** The median and the p99 of latency, each minus the direct path's median latency (ms). */
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

export async function latencySuite(ctx: BenchContext): Promise<Record<string, LatencyFigures>> {
  const { runs, stream } = ctx.config.latency
  const results = await inRounds(ctx, runs, stream, { warmUp: true, label: 'latency' })
  const latency = new Map([...results].map(([name, rs]) => [name, summarize(rs.flatMap((r) => r.chunks.map((c) => c.receivedAt - c.sentAt)))]))
  const figures: Record<string, LatencyFigures> = {}
  for (const [name, rs] of results) {
    figures[name] = {
      latency: latency.get(name)!,
      added: added(latency.get(name)!, latency.get('direct')),
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
