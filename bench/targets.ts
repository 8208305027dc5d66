/** Issue 5's targets, checked against one run's figures. */
import type { ConcurrencyFigures } from './suites/concurrency'
import type { CpuFigures } from './suites/cpu'
import type { LatencyFigures, TtfbFigures } from './suites/latency'
import type { PageFigures } from './suites/page'
import { ratio } from './stats'

export interface Target {
  target: string
  figure: string
  met: boolean | null
}

const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d))

export function checkTargets(results: {
  latency?: Record<string, LatencyFigures>
  ttfb?: Record<string, TtfbFigures>
  cpu?: Record<string, CpuFigures>
  concurrency?: Record<string, Record<string, ConcurrencyFigures>>
  page?: PageFigures & { proposals?: Record<string, PageFigures> }
}): Target[] {
  const out: Target[] = []
  const { latency, cpu, ttfb, page, concurrency } = results
  if (cpu?.project && cpu.floor) {
    const r = ratio(cpu.project.schedMsPerAnswer.median, cpu.floor.schedMsPerAnswer.median)
    out.push({
      target: 'CPU per answer ≤ 1.2× the floor',
      figure: `${fmt(cpu.project.schedMsPerAnswer.median)} ms vs ${fmt(cpu.floor.schedMsPerAnswer.median)} ms (${fmt(r)}×)`,
      met: r === null ? null : r <= 1.2,
    })
  }
  if (latency?.project && latency.floor) {
    const p = latency.project.added
    const f = latency.floor.added
    // On one machine the floor adds a fraction of a millisecond; a ratio of two such numbers is
    // mostly noise, so 0.1 ms of absolute slack is allowed next to the 1.2×.
    const within = (a: number, b: number) => a <= 1.2 * b || a - b <= 0.1
    out.push({
      target: 'added latency per chunk ≤ 1.2× the floor (or within 0.1 ms of it)',
      figure: `median ${fmt(p.median, 3)} vs ${fmt(f.median, 3)} ms; p99 ${fmt(p.p99, 3)} vs ${fmt(f.p99, 3)} ms`,
      met: within(p.median, f.median) && within(p.p99, f.p99),
    })
    out.push({ target: 'added p99 latency per chunk ≤ 1 ms', figure: `${fmt(p.p99, 3)} ms`, met: p.p99 <= 1 })
    out.push({
      target: 'no coalescing (chunks ≥ 5 ms apart arrive in separate reads)',
      figure: `${latency.project.coalesced.chunks} of ${latency.project.coalesced.of} (floor: ${latency.floor.coalesced.chunks})`,
      met: latency.project.coalesced.chunks === 0,
    })
  }
  if (cpu?.project && cpu.reference && latency?.project && latency.reference) {
    out.push({
      target: 'ahead of the reference route (CPU and added latency)',
      figure: `CPU ${fmt(cpu.project.schedMsPerAnswer.median)} vs ${fmt(cpu.reference.schedMsPerAnswer.median)} ms; added median ${fmt(latency.project.added.median, 3)} vs ${fmt(latency.reference.added.median, 3)} ms`,
      met:
        cpu.project.schedMsPerAnswer.median < cpu.reference.schedMsPerAnswer.median &&
        latency.project.added.median <= latency.reference.added.median,
    })
  }
  if (ttfb?.project && ttfb.floor) {
    const r = ratio(ttfb.project.added.median, ttfb.floor.added.median)
    out.push({
      target: 'added time to first byte (reported; no numeric target)',
      figure: `${fmt(ttfb.project.added.median, 3)} ms vs floor ${fmt(ttfb.floor.added.median, 3)} ms (${fmt(r)}×)`,
      met: null,
    })
  }
  if (concurrency) {
    const levels = Object.values(concurrency)
    const all = levels.flatMap((l) => Object.values(l))
    out.push({
      target: 'every concurrent stream delivers all bytes in order',
      figure: `${all.reduce((n, f) => n + f.intact, 0)} of ${all.reduce((n, f) => n + f.streams, 0)} streams intact`,
      met: all.every((f) => f.intact === f.streams),
    })
  }
  if (page) {
    out.push({
      target: "the page's cost per chunk does not grow with the answer",
      figure:
        `last/first quarter ${fmt(page.growth)}×, slope ${fmt(page.slopeUsPer10KB, 1)} µs per 10 KB` +
        Object.entries(page.proposals ?? {})
          .map(([k, v]) => `; with ${k}.patch: ${fmt(v.growth)}×, ${fmt(v.slopeUsPer10KB, 1)} µs per 10 KB`)
          .join(''),
      met: page.growth <= 1.2,
    })
  }
  return out
}
