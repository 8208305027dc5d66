/** Issue 5's targets, checked against one run's figures for this project's route (`project`). */
import type { ConcurrencyFigures } from './suites/concurrency'
import type { CpuFigures } from './suites/cpu'
import type { LatencyFigures, TtfbFigures } from './suites/latency'
import type { PageFigures } from './suites/page'
import { ratio } from './stats'

export interface Verdict {
  figure: string
  met: boolean | null
}

export interface Target {
  target: string
  /** Per route variant (project). */
  by: Record<string, Verdict>
}

const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d))

// On one machine the floor adds a fraction of a millisecond; a ratio of two such numbers is mostly
// noise, so 0.1 ms of absolute slack is allowed next to the 1.2×.
const within = (a: number, b: number) => a <= 1.2 * b || a - b <= 0.1

export function checkTargets(results: {
  latency?: Record<string, LatencyFigures>
  ttfb?: Record<string, TtfbFigures>
  cpu?: Record<string, CpuFigures>
  concurrency?: Record<string, Record<string, ConcurrencyFigures>>
  page?: PageFigures
}): Target[] {
  const { latency, cpu, ttfb, page, concurrency } = results
  const names = Object.keys(latency ?? cpu ?? {}).filter((n) => n === 'project')
  const rows: [string, (name: string) => Verdict | undefined][] = [
    [
      'CPU per answer ≤ 1.2× the floor',
      (n) => {
        if (!cpu?.[n] || !cpu.floor) return undefined
        const r = ratio(cpu[n].schedMsPerAnswer.median, cpu.floor.schedMsPerAnswer.median)
        return { figure: `${fmt(cpu[n].schedMsPerAnswer.median)} vs ${fmt(cpu.floor.schedMsPerAnswer.median)} ms (${fmt(r)}×)`, met: r === null ? null : r <= 1.2 }
      },
    ],
    [
      'CPU per answer vs the relay floor, the least Worker that sees its client leave (reported; no target)',
      (n) => {
        const rf = cpu?.['relay-floor']
        if (!cpu?.[n] || !rf) return undefined
        const r = ratio(cpu[n].schedMsPerAnswer.median, rf.schedMsPerAnswer.median)
        return { figure: `${fmt(cpu[n].schedMsPerAnswer.median)} vs ${fmt(rf.schedMsPerAnswer.median)} ms (${fmt(r)}×)`, met: null }
      },
    ],
    [
      'added latency per chunk (median) ≤ 1.2× the floor (or ≤ 0.1 ms above it)',
      (n) => {
        if (!latency?.[n] || !latency.floor) return undefined
        const [p, f] = [latency[n].added, latency.floor.added]
        return { figure: `${fmt(p.median, 3)} vs ${fmt(f.median, 3)} ms (${fmt(ratio(p.median, f.median))}×)`, met: within(p.median, f.median) }
      },
    ],
    [
      'added latency per chunk (p99) vs the floor (reported; its target is the next row)',
      (n) => latency?.[n] && latency.floor && { figure: `${fmt(latency[n].added.p99, 3)} vs ${fmt(latency.floor.added.p99, 3)} ms`, met: null },
    ],
    ['added p99 latency per chunk ≤ 1 ms', (n) => latency?.[n] && { figure: `${fmt(latency[n].added.p99, 3)} ms`, met: latency[n].added.p99 <= 1 }],
    [
      'no coalescing (chunks 10 ms apart arrive in separate reads)',
      (n) => latency?.[n] && { figure: `${latency[n].coalesced.chunks} of ${latency[n].coalesced.of} (floor ${latency.floor?.coalesced.chunks ?? 'n/a'})`, met: latency[n].coalesced.chunks === 0 },
    ],
    [
      'ahead of the reference route (CPU and added latency)',
      (n) => {
        if (!cpu?.[n] || !cpu.reference || !latency?.[n] || !latency.reference) return undefined
        return {
          figure: `CPU ${fmt(cpu[n].schedMsPerAnswer.median)} vs ${fmt(cpu.reference.schedMsPerAnswer.median)} ms; added ${fmt(latency[n].added.median, 3)} vs ${fmt(latency.reference.added.median, 3)} ms`,
          met: cpu[n].schedMsPerAnswer.median < cpu.reference.schedMsPerAnswer.median && latency[n].added.median <= latency.reference.added.median,
        }
      },
    ],
    [
      'added time to first byte (no numeric target)',
      (n) => ttfb?.[n] && ttfb.floor && { figure: `${fmt(ttfb[n].added.median, 3)} vs ${fmt(ttfb.floor.added.median, 3)} ms (${fmt(ratio(ttfb[n].added.median, ttfb.floor.added.median))}×)`, met: null },
    ],
    [
      'every concurrent stream delivers all bytes in order',
      (n) => {
        const all = Object.values(concurrency ?? {}).flatMap((l) => (l[n] ? [l[n]] : []))
        if (!all.length) return undefined
        return { figure: `${all.reduce((k, f) => k + f.intact, 0)} of ${all.reduce((k, f) => k + f.streams, 0)} intact`, met: all.every((f) => f.intact === f.streams) }
      },
    ],
  ]
  const out: Target[] = rows.map(([target, check]) => ({
    target,
    by: Object.fromEntries(names.flatMap((n) => {
      const v = check(n)
      return v ? [[n, v]] : []
    })),
  }))
  if (page) {
    const name = 'app/client/render-markdown.ts'
    out.push({
      target: "the page's main-thread time per chunk, streamed, is under 100 µs",
      by: { [name]: { figure: `${fmt(page.streamed.perChunkUs, 0)} µs (a chunk every ${page.streamed.intervalMs} ms)`, met: page.streamed.perChunkUs < 100 } },
    })
    out.push({
      target: "the page's cost per chunk does not grow with the answer (last/first quarter ≤ 1.2×)",
      by: {
        [name]: {
          figure: `one chunk per frame: last/first quarter ${fmt(page.growth)}×, slope ${fmt(page.slopeUsPer10KB, 1)} µs per 10 KB; streamed: last/first tenth ${fmt(page.streamed.growth)}×`,
          met: page.growth <= 1.2 && page.streamed.growth <= 1.2,
        },
      },
    })
  }
  return out.filter((t) => Object.keys(t.by).length > 0)
}
