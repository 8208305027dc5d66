/**
 * Many concurrent streams through one workerd: every stream must deliver all its chunks, once, in
 * order; memory is the process's peak RSS during the run (VmHWM after a reset, and RSS sampled every
 * 10 ms) above its RSS before, per stream.
 */
import { runStream } from '../client'
import type { BenchContext } from '../context'
import { cpuDelta, cpuSample, peakRssKb, resetPeakRss, rssKb, sampleRss } from '../proc'
import { summarize, type Summary } from '../stats'

export interface ConcurrencyFigures {
  streams: number
  /** Streams that delivered every chunk in order and ended with done. */
  intact: number
  errors: string[]
  /** Wall time of the whole run (s) and per-chunk latency under load (ms). */
  seconds: number
  latency: Summary
  /** Worker variants: peak RSS above the RSS before the run, per stream (kB), and CPU of the run (ms). */
  peakKbPerStream?: number
  baselineRssKb?: number
  peakRssKb?: number
  cpuMs?: number
}

export async function concurrencySuite(ctx: BenchContext): Promise<Record<string, Record<string, ConcurrencyFigures>>> {
  const { levels, stream } = ctx.config.concurrency
  const out: Record<string, Record<string, ConcurrencyFigures>> = {}
  for (const level of levels) {
    out[level] = {}
    for (const v of ctx.variants) {
      await new Promise((r) => setTimeout(r, 200))
      const pid = v.pid
      const baseline = pid ? rssKb(pid) : undefined
      if (pid) resetPeakRss(pid)
      const sampler = pid ? sampleRss(pid) : undefined
      const cpu0 = pid ? cpuSample(pid) : undefined
      const t0 = performance.now()
      const rs = await Promise.all(Array.from({ length: level }, () => runStream(v, stream, ctx.agent, 60_000)))
      const seconds = (performance.now() - t0) / 1000
      const sampled = sampler?.stop()
      const f: ConcurrencyFigures = {
        streams: level,
        intact: rs.filter((r) => r.inOrder).length,
        errors: [...new Set(rs.filter((r) => r.error).map((r) => r.error!))].slice(0, 5),
        seconds,
        latency: summarize(rs.flatMap((r) => r.chunks.map((c) => c.receivedAt - c.sentAt))),
      }
      if (pid) {
        const peak = Math.max(peakRssKb(pid), sampled ?? 0)
        f.baselineRssKb = baseline
        f.peakRssKb = peak
        f.peakKbPerStream = (peak - baseline!) / level
        f.cpuMs = cpuDelta(cpu0!, cpuSample(pid)).schedMs
      }
      out[level][v.name] = f
      ctx.log(`concurrency ${level} ${v.name}: ${f.intact}/${level} intact`)
    }
  }
  return out
}
