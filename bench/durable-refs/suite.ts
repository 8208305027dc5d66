/**
 * The best-known resumable designs measured in the same run as the durable path (issue 10), the
 * same way where that means something:
 * - added latency per chunk: each design streams the latency suite's answer in step with the direct
 *   path (bench/suites/latency.ts pairedDelays), the durable path in the same rotated rounds;
 * - CPU per answer of the cpu suite's 1,000 chunks, from the design's own processes' counters
 *   (bench/proc.ts): workerd for ours, its server plus its store for a reference;
 * - resume → first event: an answer of 300 chunks 5 ms apart runs, the reader leaves after a few
 *   events and comes back (ours: the durable suite's reconnect figure of the same run);
 * - writes to the design's store per answer.
 * A design that cannot run here is reported with the reason, never left out silently.
 */
import { runStream, type StreamResult } from '../client'
import { rotated, type BenchContext } from '../context'
import { cpuDelta, cpuSample } from '../proc'
import { summarize, type Summary } from '../stats'
import { pairedDelays } from '../suites/latency'
import type { StreamSpec } from '../upstream'
import type { Reference } from './reference'
import { startAgentsChat } from './agents-chat'
import { startResumableStream } from './resumable-stream'

export const REFERENCES = ['resumable-stream', 'agents'] as const
export type ReferenceName = (typeof REFERENCES)[number]

export interface ContenderFigures {
  describe: string
  addedLatency: { median: number; p99: number; n: number }
  /** CPU ms per answer of `cpuChunks` chunks (median over batches), summed over the design's processes. */
  cpuMsPerAnswer: number
  /** Answers that arrived whole in the latency and cpu runs. */
  intact: { answers: number; of: number }
  /** Resume → first event (ms), resumes whose first event was the one after the last seen, resume → first event the reader had not seen. */
  resume?: Summary & { exact: number; toMissed: Summary }
  storage?: { writesPerAnswer: number; what: string; chunks: number }
  /** Why the resume or storage measurement stopped short, when it did. */
  failed?: string
}

export interface RefsFigures {
  cpuChunks: number
  contenders: Record<string, ContenderFigures>
  /** Designs that did not run here, and why. */
  notRun: Record<string, string>
}

type Contender = Pick<Reference, 'name' | 'describe' | 'pids' | 'stream'> & Partial<Pick<Reference, 'resume' | 'storage'>>

const RESUME_SPEC: StreamSpec = { n: 300, size: 100, intervalMs: 5 }
const settle = () => new Promise((r) => setTimeout(r, 50))

export async function durableRefsSuite(ctx: BenchContext, names: readonly string[]): Promise<RefsFigures> {
  const { config, log, upstream } = ctx
  const direct = ctx.variants.find((v) => v.name === 'direct')
  const project = ctx.variants.find((v) => v.name === 'project')
  if (!direct || !project?.pid) throw new Error('the references are measured beside the direct path and the project (--variants=direct,…,project)')
  const notRun: Record<string, string> = {}
  const refs: Reference[] = []
  const starters: Record<string, () => Promise<Reference | { notRun: string }>> = {
    'resumable-stream': () => startResumableStream(upstream, ctx.agent),
    agents: () => startAgentsChat(upstream),
  }
  for (const name of names) {
    try {
      const r = await starters[name]()
      if ('notRun' in r) notRun[name] = r.notRun
      else refs.push(r)
    } catch (e) {
      notRun[name] = `failed to start: ${(e as Error).message.replace(/\s+/g, ' ')}`
    }
  }
  const ours: Contender = { name: 'project', describe: 'this project: the conversation Durable Object (SQLite) in workerd', pids: [project.pid], stream: (spec) => runStream(project, spec, ctx.agent) }
  const contenders: Contender[] = [ours, ...refs]
  try {
    const latency = new Map(contenders.map((c) => [c.name, { delays: [] as number[], ok: 0, of: 0 }]))
    const cpu = new Map(contenders.map((c) => [c.name, { ms: [] as number[], ok: 0, of: 0 }]))
    const count = (m: { ok: number; of: number }, rs: StreamResult[]) => ((m.ok += rs.filter((r) => r.inOrder).length), (m.of += rs.length))

    // Added latency per chunk: paired with the direct path, the order rotated each round.
    const { runs, stream } = config.latency
    for (const c of contenders) await c.stream(stream) // warm-up
    for (let round = 0; round < runs; round++) {
      for (const c of rotated(contenders, round)) {
        const pair = `refs:${round}:${c.name}`
        const [mine, twin] = await Promise.all([c.stream({ ...stream, pair }), runStream(direct, { ...stream, pair }, ctx.agent)])
        const l = latency.get(c.name)!
        l.delays.push(...pairedDelays(mine.chunks, twin.chunks))
        count(l, [mine])
      }
      log(`refs latency round ${round + 1}/${runs}`)
    }

    // CPU per answer: `concurrent` answers at once, the design's processes' counters before and after.
    const { batches, concurrent, stream: cpuStream } = config.cpu
    const sample = (pids: number[]) => pids.map(cpuSample)
    for (let b = 0; b < batches; b++) {
      for (const c of rotated(contenders, b)) {
        await settle()
        const before = sample(c.pids)
        const rs = await Promise.all(Array.from({ length: concurrent }, () => c.stream(cpuStream)))
        await settle()
        const after = sample(c.pids)
        const ms = before.reduce((sum, s, i) => sum + cpuDelta(s, after[i]).schedMs, 0)
        const f = cpu.get(c.name)!
        f.ms.push(ms / concurrent)
        count(f, rs)
      }
      log(`refs cpu batch ${b + 1}/${batches}`)
    }

    const figures: Record<string, ContenderFigures> = {}
    for (const c of contenders) {
      const l = latency.get(c.name)!
      const p = cpu.get(c.name)!
      const added = summarize(l.delays)
      figures[c.name] = {
        describe: c.describe,
        addedLatency: added,
        cpuMsPerAnswer: summarize(p.ms).median,
        intact: { answers: l.ok + p.ok, of: l.of + p.of },
      }
    }

    // Resume → first event, and the store's writes per answer: the references (ours: the durable suite's figures).
    for (const r of refs) {
      try {
        const ms: number[] = []
        const toMissed: number[] = []
        let exact = 0
        const resumes = config.durable.reconnects
        for (let i = -2; i < resumes; i++) {
          const one = await r.resume(RESUME_SPEC, 2 + (((i % 8) + 8) % 8))
          if (i < 0) continue
          ms.push(one.ms)
          toMissed.push(one.toMissedMs)
          if (one.exact) exact++
        }
        figures[r.name].resume = { ...summarize(ms), exact, toMissed: summarize(toMissed) }
        log(`refs ${r.name}: ${resumes} resumes`)
        const spec = { n: config.durable.storageChunks, size: 100, intervalMs: 0 }
        const s = await r.storage(spec)
        figures[r.name].storage = { writesPerAnswer: s.writes, what: s.what, chunks: spec.n }
      } catch (e) {
        // Reported beside its other figures, never a crash of the whole run.
        figures[r.name].failed = (e as Error).message.replace(/\s+/g, ' ')
      }
    }
    return { cpuChunks: cpuStream.n, contenders: figures, notRun }
  } finally {
    for (const r of refs) await r.stop().catch((e) => log(`stopping ${r.name}: ${(e as Error).message}`))
  }
}

