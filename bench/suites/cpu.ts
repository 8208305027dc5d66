/**
 * workerd CPU time per streamed answer, from the process's own counters: utime+stime
 * (/proc/<pid>/stat, 10 ms ticks) and the threads' scheduler run time (ns). Each batch streams
 * `concurrent` answers at once through one variant; batches rotate over the variants.
 */
import { runStream } from '../client'
import { rotated, workerVariants, type BenchContext } from '../context'
import { cpuDelta, cpuSample } from '../proc'
import { summarize, type Summary } from '../stats'

export interface CpuFigures {
  /** CPU ms per answer, from utime+stime. */
  statMsPerAnswer: Summary
  /** CPU ms per answer, from schedstat (finer grained; the figure the ratios use). */
  schedMsPerAnswer: Summary
  /** The same, per chunk, in µs. */
  usPerChunk: number
  intact: { answers: number; of: number }
}

const settle = () => new Promise((r) => setTimeout(r, 50))

export async function cpuSuite(ctx: BenchContext): Promise<Record<string, CpuFigures>> {
  const { batches, concurrent, stream } = ctx.config.cpu
  const variants = workerVariants(ctx)
  const samples = new Map(variants.map((v) => [v.name, { stat: [] as number[], sched: [] as number[], ok: 0, of: 0 }]))
  for (const v of variants) await runStream(v, { ...stream, n: Math.min(stream.n, 50) }, ctx.agent)
  for (let b = 0; b < batches; b++) {
    for (const v of rotated(variants, b)) {
      await settle()
      const before = cpuSample(v.pid!)
      const rs = await Promise.all(Array.from({ length: concurrent }, () => runStream(v, stream, ctx.agent)))
      await settle() // let the Worker finish its side of the last answer
      const d = cpuDelta(before, cpuSample(v.pid!))
      const s = samples.get(v.name)!
      s.stat.push(d.statMs / concurrent)
      s.sched.push(d.schedMs / concurrent)
      s.ok += rs.filter((r) => r.inOrder).length
      s.of += rs.length
    }
    ctx.log(`cpu batch ${b + 1}/${batches}`)
  }
  const figures: Record<string, CpuFigures> = {}
  for (const [name, s] of samples) {
    const sched = summarize(s.sched)
    figures[name] = {
      statMsPerAnswer: summarize(s.stat),
      schedMsPerAnswer: sched,
      usPerChunk: (sched.median * 1000) / stream.n,
      intact: { answers: s.ok, of: s.of },
    }
  }
  return figures
}
