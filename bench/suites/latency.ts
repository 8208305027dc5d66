/**
 * Added latency per chunk, coalescing and added time to first byte. Every variant streams the same
 * answer in turn (order rotated each round); latency is client receive time − upstream send time
 * on one clock, and "added" subtracts the direct variant's figure.
 */
import { coalesced, runStream, type StreamResult } from '../client'
import { rotated, type BenchContext } from '../context'
import { summarize, type Summary } from '../stats'
import type { VariantName } from '../variants'

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

export async function latencySuite(ctx: BenchContext): Promise<Record<string, LatencyFigures>> {
  const { runs, stream } = ctx.config.latency
  const results = new Map<VariantName, StreamResult[]>()
  for (const v of ctx.variants) {
    await runStream(v, stream, ctx.agent) // warm-up: connections, code caches
    results.set(v.name, [])
  }
  for (let round = 0; round < runs; round++) {
    for (const v of rotated(ctx.variants, round)) results.get(v.name)!.push(await runStream(v, stream, ctx.agent))
    ctx.log(`latency round ${round + 1}/${runs}`)
  }
  const figures: Record<string, LatencyFigures> = {}
  for (const [name, rs] of results) {
    const lat = rs.flatMap((r) => r.chunks.map((c) => c.receivedAt - c.sentAt))
    figures[name] = {
      latency: summarize(lat),
      added: { median: NaN, p99: NaN },
      coalesced: { chunks: rs.reduce((n, r) => n + coalesced(r.chunks), 0), of: rs.reduce((n, r) => n + r.chunks.length, 0) },
      reads: rs.reduce((n, r) => n + r.reads, 0),
      writes: rs.length * (stream.n + 2),
      intact: { runs: rs.filter((r) => r.inOrder).length, of: rs.length },
    }
  }
  const base = figures.direct?.latency
  if (base) {
    // Both against the direct path's median: the direct p99 is one stall of the shared client process
    // away from anything, and subtracting it can even make a proxy look faster than no proxy.
    for (const f of Object.values(figures)) f.added = { median: f.latency.median - base.median, p99: f.latency.p99 - base.median }
  }
  return figures
}

export async function ttfbSuite(ctx: BenchContext): Promise<Record<string, TtfbFigures>> {
  const { runs, stream } = ctx.config.ttfb
  const results = new Map<VariantName, StreamResult[]>()
  for (const v of ctx.variants) {
    await runStream(v, stream, ctx.agent)
    results.set(v.name, [])
  }
  for (let round = 0; round < runs; round++) {
    for (const v of rotated(ctx.variants, round)) results.get(v.name)!.push(await runStream(v, stream, ctx.agent))
  }
  const figures: Record<string, TtfbFigures> = {}
  for (const [name, rs] of results) {
    figures[name] = {
      ttfb: summarize(rs.map((r) => r.firstTextAt - r.startedAt)),
      added: { median: NaN, p99: NaN },
      intact: { runs: rs.filter((r) => r.inOrder).length, of: rs.length },
    }
  }
  const base = figures.direct?.ttfb
  if (base) {
    for (const f of Object.values(figures)) f.added = { median: f.ttfb.median - base.median, p99: f.ttfb.p99 - base.median }
  }
  return figures
}
