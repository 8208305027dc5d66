import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configFor } from './config'
import { runBench, SUITES, writeReport, type BenchReport } from './run'
import type { ConcurrencyFigures } from './suites/concurrency'
import type { CpuFigures } from './suites/cpu'
import type { DisconnectFigures } from './suites/disconnect'
import type { LambdaFigures } from './suites/lambda'
import type { LatencyFigures, TtfbFigures } from './suites/latency'
import type { DurableFigures } from './suites/durable'
import type { LoadFigures } from './suites/load'
import type { PageFigures } from './suites/page'
import type { ThroughputFigures } from './suites/throughput'
import type { Target } from './targets'

// The whole harness with tiny sizes, so it cannot rot: every variant (direct, the floor, the
// reference route, this project's route in workerd), every suite, the report files. Correctness
// only — all bytes delivered in order, figures present — never a timing.
describe('npm run bench -- --smoke', () => {
  // Without the resumable references (bench/durable-refs/): they need redis-server and their own packages; the bench run is their check.
  const config = configFor('smoke', JSON.stringify({ refs: { references: [] } }))
  let report: BenchReport
  let dir: string

  beforeAll(async () => {
    // Every suite but `paths`, which builds the whole app and starts the local cloud over every path
    // (minutes here): e2e/chain.test.ts runs those paths end to end, bench/suites/paths.test.ts its figures.
    report = await runBench({ config, only: SUITES.filter((s) => s !== 'paths'), projectSource: 'api', log: () => {} })
    dir = mkdtempSync(join(tmpdir(), 'bench-'))
  }, 240_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const results = () =>
    report.results as {
      latency: Record<string, LatencyFigures>
      ttfb: Record<string, TtfbFigures>
      cpu: Record<string, CpuFigures>
      throughput: Record<string, ThroughputFigures>
      concurrency: Record<string, Record<string, ConcurrencyFigures>>
      lambda: LambdaFigures
      page: PageFigures
      disconnect: DisconnectFigures
      load: LoadFigures
      durable: DurableFigures
      targets: Target[]
    }

  it('streams every chunk once, in order, ending with done, through every variant', () => {
    const { latency, ttfb, throughput, cpu } = results()
    expect(Object.keys(latency)).toEqual(['direct', 'floor', 'relay-floor', 'reference', 'project'])
    // Every other variant streams in step with the direct path, so the direct path ran once per pair.
    const pairs = Object.keys(latency).length - 1
    for (const [name, f] of Object.entries(latency)) {
      const runs = config.latency.runs * (name === 'direct' ? pairs : 1)
      expect(f.intact).toEqual({ runs, of: runs })
      expect(f.latency.n).toBe(runs * config.latency.stream.n)
      expect(f.writes).toBe(runs * (config.latency.stream.n + 2))
      expect(f.reads).toBeGreaterThan(0)
      expect(Number.isFinite(f.added.p99)).toBe(true)
    }
    expect(latency.direct.added).toEqual({ median: 0, p99: 0 })
    for (const f of Object.values(ttfb)) expect(f.intact.runs).toBe(config.ttfb.runs)
    const bytes = Object.values(throughput).map((f) => f.bytes)
    for (const f of Object.values(throughput)) expect(f.intact.runs).toBe(config.throughput.runs)
    // direct, both floors and the reference pass the upstream's bytes as they are; the route may add its own meta event.
    expect(new Set(bytes.slice(0, 4)).size).toBe(1)
    expect(bytes[4]).toBeGreaterThanOrEqual(bytes[0])
    expect(Object.keys(cpu)).toEqual(['floor', 'relay-floor', 'reference', 'project'])
    for (const f of Object.values(cpu)) expect(f.intact.answers).toBe(config.cpu.batches * config.cpu.concurrent)
  })

  it('reads CPU and memory from each workerd process', () => {
    for (const f of Object.values(results().cpu)) {
      expect(f.schedMsPerAnswer.median).toBeGreaterThan(0)
      expect(f.statMsPerAnswer.n).toBe(config.cpu.batches)
    }
    for (const level of config.concurrency.levels) {
      const byVariant = results().concurrency[level]
      for (const f of Object.values(byVariant)) expect(f.intact).toBe(level)
      for (const name of ['floor', 'relay-floor', 'reference', 'project']) {
        expect(byVariant[name].peakRssKb).toBeGreaterThan(byVariant[name].baselineRssKb! - 1)
        expect(Number.isFinite(byVariant[name].peakKbPerStream)).toBe(true)
      }
      expect(byVariant.direct.peakRssKb).toBeUndefined()
    }
  })

  it('measures the Lambda normalizer, bundle and init, and the page renderer', () => {
    const { lambda, page } = results()
    expect(lambda.normalizer).toHaveLength(2)
    for (const n of lambda.normalizer) {
      // Every text message became one event (plus usage/done where the stream has them).
      expect(n.events).toBeGreaterThanOrEqual(config.lambda.events)
      expect(n.usPerChunk.n).toBe(config.lambda.rounds)
    }
    expect(lambda.bundle.bytes).toBeGreaterThan(lambda.bundle.gzipBytes)
    expect(lambda.moduleInitMs.n).toBe(config.lambda.inits)
    expect(page.chunks).toBe(config.page.chunks)
    expect(page.bytes).toBe(config.page.bytes)
    expect(page.crossOriginIsolated).toBe(true)
    expect(Number.isFinite(page.growth)).toBe(true)
    // Streamed: the renderer's CPU time with the harness's own taken out, and renders coalesced per frame.
    expect(page.streamed.intervalMs).toBe(config.page.intervalMs)
    expect(Number.isFinite(page.streamed.perChunkUs)).toBe(true)
    expect(page.streamed.floorUs).toBeGreaterThan(0)
    expect(page.streamed.chunksPerRender).toBeGreaterThanOrEqual(1)
    // The browser floor (the text alone as paragraphs) measured in the same runs.
    expect(Number.isFinite(page.streamed.textOnlyUs)).toBe(true)
  })

  it('probes what a Worker learns when its client leaves, both ways (figures only: what workerd does is the report\'s)', () => {
    const { disconnect } = results()
    expect(disconnect.waitMs).toBe(config.disconnect.waitMs)
    expect(Object.keys(disconnect.by)).toEqual(['relay', 'passthrough'])
    for (const way of Object.values(disconnect.by)) {
      // The client really left: workerd dropped the upstream request either way.
      expect(way.upstreamClosed).toBe(true)
      expect(way.cancelled).toBe(way.cancelMs !== null)
      if (way.cancelMs !== null) expect(Number.isFinite(way.cancelMs)).toBe(true)
    }
  })

  it('measures the durable path beside the floors: CPU, added latency, reconnects that resume at the next id, batched storage writes, Stop reaching the agent', () => {
    const { durable, cpu, latency } = results()
    expect(durable.variants).toEqual(['direct', 'floor', 'relay-floor', 'project'])
    // The run's own cpu and latency figures, not a second measurement.
    expect(durable.cpu.project.msPerAnswer).toBe(cpu.project.schedMsPerAnswer.median)
    expect(durable.addedLatency.project).toEqual(latency.project.added)
    expect(durable.reconnect.n).toBe(config.durable.reconnects)
    expect(durable.reconnect.exact).toBe(config.durable.reconnects)
    expect(durable.reconnect.failed).toEqual({})
    expect(Number.isFinite(durable.reconnect.p99)).toBe(true)
    // meta (edge), meta (upstream), the chunks, done; fewer writes than events.
    expect(durable.storage.eventsPerAnswer).toBe(config.durable.storageChunks + 3)
    expect(durable.storage.writesPerAnswer.median).toBeGreaterThan(0)
    expect(durable.storage.writesPerAnswer.median).toBeLessThan(durable.storage.eventsPerAnswer)
    expect(durable.stop.of).toBe(config.durable.stops)
    expect(durable.stop.cancelledAtAgent).toBe(config.durable.stops)
    expect(Number.isFinite(durable.stop.toAgentEnd.median)).toBe(true)
  })

  it('runs parallel chats through the Worker and its Durable Objects, both rows, every answer byte-exact, and samples every process\'s memory per burst', () => {
    const { load } = results()
    expect(load.rows.map((r) => [r.row, r.chats])).toEqual([
      ['edge', config.load.edgeChats],
      ['chain', config.load.chainChats],
    ])
    for (const row of load.rows) {
      expect(row.bursts).toHaveLength(config.load.bursts)
      for (const b of row.bursts) {
        expect([b.exact, b.status5xx, b.failures]).toEqual([row.chats, 0, {}])
        expect(b.ttft.n).toBe(row.chats)
        expect(b.workerdCpuMsPerChat).toBeGreaterThan(0)
        expect(b.memory.workerd.peak.maxKb).toBeGreaterThan(0)
        expect(b.memory.workerd.settled.processes).toBe(1)
      }
      expect(Object.keys(row.trend)).toEqual(Object.keys(row.bursts[0].memory))
    }
    const chain = load.rows.find((r) => r.row === 'chain')!
    // One Lambda invocation per chat, each in a runtime process of the invoke function.
    for (const b of chain.bursts) expect(b.lambda!.invocations).toBe(config.load.chainChats)
    expect(chain.bursts[0].memory['Lambda runtime processes (invoke function)'].peak.processes).toBeGreaterThanOrEqual(1)
  })

  it('checks the targets and writes report.md and report.json', () => {
    const targets = results().targets
    expect(targets.map((t) => t.target)).toEqual(
      expect.arrayContaining([
        'CPU per answer ≤ 1.2× the floor',
        'added p99 latency per chunk ≤ 1 ms',
        'every concurrent stream delivers all bytes in order',
        "the page's cost per chunk does not grow with the answer (last/first quarter ≤ 1.2×)",
        "the page's main-thread time per chunk, streamed, is under 100 µs",
      ]),
    )
    expect(targets.find((t) => t.target.startsWith('every concurrent'))!.by.project.met).toBe(true)
    const { md, json } = writeReport(report, dir)
    expect(existsSync(md)).toBe(true)
    const parsed = JSON.parse(readFileSync(json, 'utf8'))
    expect(Object.keys(parsed.results)).toEqual(['latency', 'ttfb', 'cpu', 'throughput', 'concurrency', 'durable', 'lambda', 'page', 'disconnect', 'load', 'targets'])
    const text = readFileSync(md, 'utf8')
    for (const heading of ['## Targets', '## Latency per chunk', '## workerd CPU per answer', '## Throughput', '## Concurrent streams', '## Lambda handler', '## The page', '## What a Worker learns when its client leaves', '## Parallel chats: load and memory after bursts']) {
      expect(text).toContain(heading)
    }
  })
})
