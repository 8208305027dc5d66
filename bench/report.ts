/** bench/report.md from one run's figures (the run also writes them, unrounded, to bench/report.json, which is not committed). */
import type { BenchReport } from './run'
import type { ConcurrencyFigures } from './suites/concurrency'
import type { CpuFigures } from './suites/cpu'
import type { LambdaFigures } from './suites/lambda'
import type { LoadFigures } from './suites/load'
import type { LatencyFigures, TtfbFigures } from './suites/latency'
import type { DisconnectFigures } from './suites/disconnect'
import { renderPaths, type PathFigures } from './suites/paths'
import type { DurableFigures } from './suites/durable'
import { refsSection } from './durable-refs/report'
import type { RefsFigures } from './durable-refs/suite'
import type { PageFigures } from './suites/page'
import type { ThroughputFigures } from './suites/throughput'
import { ratio, type Summary } from './stats'
import type { Target } from './targets'

const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d))
const x = (a: number, b: number | undefined) => (b === undefined ? '–' : `${f(ratio(a, b))}×`)

type Added = { median: number; p99: number }

/** variant, median, p99, added median, added p99, added median ×floor: the columns latency and TTFB share. */
function timingCells(name: string, s: Summary, added: Added, floorAdded: Added | undefined): string[] {
  return [name, f(s.median, 3), f(s.p99, 3), f(added.median, 3), f(added.p99, 3), name === 'direct' ? '–' : x(added.median, floorAdded?.median)]
}

function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

export function renderMarkdown(report: BenchReport): string {
  const { meta, results } = report
  const m = meta as any
  const r = results as {
    latency?: Record<string, LatencyFigures>
    ttfb?: Record<string, TtfbFigures>
    cpu?: Record<string, CpuFigures>
    throughput?: Record<string, ThroughputFigures>
    concurrency?: Record<string, Record<string, ConcurrencyFigures>>
    lambda?: LambdaFigures
    page?: PageFigures
    disconnect?: DisconnectFigures
    durable?: DurableFigures
    refs?: RefsFigures
    load?: LoadFigures
    paths?: PathFigures
    targets?: Target[]
  }
  const out: string[] = []
  out.push(`# Streaming benchmarks`, '')
  out.push(
    `Written by \`${m.command}\` (${m.mode} sizes) at ${m.startedAt}, in ${m.seconds} s: one run on one machine — ` +
      `${m.machine.cores} × ${m.machine.cpu}, ${m.machine.memGiB} GiB, Node ${m.node}, ${m.workerd}` +
      `${r.page ? `, Chromium ${r.page.chromium}` : ''}. Load average (1/5/15 min) ${m.machine.loadavgBefore.map((v: number) => v.toFixed(2)).join(' / ')} before, ` +
      `${m.machine.loadavgAfter.map((v: number) => v.toFixed(2)).join(' / ')} after; scheduling priority: ${m.priority}. The project's Worker: ${m.projectBuild || '–'}.`,
    '',
    'Ratios are to **the floor** (a Worker that returns `new Response(upstream.body)`), within this run. ' +
      '**The relay floor** is the least Worker that can learn its client left mid-answer (the upstream body piped natively into an IdentityTransformStream, the pipe awaited in waitUntil; bench/workers/relay-floor.ts): what cancelling the agent on a disconnect costs before the route does anything. ' +
      'Variants ran in turn, their order rotated each round, so drift on a shared machine hits them alike.',
    '',
  )
  if (r.targets?.length) {
    out.push('## Targets', '')
    const verdict = (v?: { figure: string; met: boolean | null }) => (v ? `${v.met === null ? '' : v.met ? '✅ ' : '❌ '}${v.figure}` : '–')
    const isPage = (t: Target) => t.target.startsWith('the page')
    const routeTargets = r.targets.filter((t) => !isPage(t))
    const routes = [...new Set(routeTargets.flatMap((t) => Object.keys(t.by)))]
    out.push(
      'The route against the targets: `project` is the route as built from the work tree (`npm run build`).',
      '',
    )
    out.push(table(['target', ...routes], routeTargets.map((t) => [t.target, ...routes.map((n) => verdict(t.by[n]))])), '')
    for (const t of r.targets.filter(isPage)) {
      out.push(table(['target', ...Object.keys(t.by)], [[t.target, ...Object.values(t.by).map(verdict)]]), '')
    }
  }
  if (r.latency) {
    const fl = r.latency.floor
    const s = (m.config.latency.stream ?? {}) as { n: number; size: number; intervalMs: number }
    out.push('## Latency per chunk', '')
    out.push(
      `${m.config.latency.runs} streams per variant of ${s.n} text events of ${s.size} B, ${s.intervalMs} ms apart, each in step with a stream of the direct path (the upstream sends both the same event in the same tick; the direct row pools those twins). Latency = client receive time − ` +
        'upstream send time (one process, one clock); added = per chunk, its receive time minus its direct twin’s, so a stall of the shared machine that delays both cancels out. Coalesced = events that arrived in the same ' +
        'socket read as the one before; reads/writes = client socket reads vs. upstream writes.',
      '',
    )
    out.push(
      table(
        ['variant', 'median ms', 'p99 ms', 'added median ms', 'added p99 ms', 'added median ×floor', 'added p99 ×floor', 'coalesced', 'reads / writes', 'intact'],
        Object.entries(r.latency).map(([name, v]) => [
          ...timingCells(name, v.latency, v.added, fl?.added),
          name === 'direct' ? '–' : x(v.added.p99, fl?.added.p99),
          `${v.coalesced.chunks} / ${v.coalesced.of}`,
          `${v.reads} / ${v.writes}`,
          `${v.intact.runs} / ${v.intact.of}`,
        ]),
      ),
      '',
    )
  }
  if (r.ttfb) {
    const fl = r.ttfb.floor
    out.push('## Time to first byte', '')
    out.push(`${m.config.ttfb.runs} requests per variant on a warm connection; request start → first text event.`, '')
    out.push(
      table(
        ['variant', 'median ms', 'p99 ms', 'added median ms', 'added p99 ms', 'added median ×floor'],
        Object.entries(r.ttfb).map(([name, v]) => timingCells(name, v.ttfb, v.added, fl?.added)),
      ),
      '',
    )
  }
  if (r.cpu) {
    const fl = r.cpu.floor
    const c = m.config.cpu
    out.push('## workerd CPU per answer', '')
    out.push(
      `${c.batches} batches per variant of ${c.concurrent} concurrent answers of ${c.stream.n} chunks (${c.stream.size} B, ${c.stream.intervalMs} ms apart). ` +
        'CPU of the variant\'s workerd process over each batch, per answer: scheduler run time of all its threads (ns resolution; the ratios use it) ' +
        'and utime+stime (10 ms ticks).',
      '',
    )
    out.push(
      table(
        ['variant', 'ms/answer median', 'p99', '×floor', 'utime+stime ms median', 'µs per chunk', 'intact'],
        Object.entries(r.cpu).map(([name, v]) => [
          name,
          f(v.schedMsPerAnswer.median),
          f(v.schedMsPerAnswer.p99),
          x(v.schedMsPerAnswer.median, fl?.schedMsPerAnswer.median),
          f(v.statMsPerAnswer.median, 1),
          f(v.usPerChunk, 1),
          `${v.intact.answers} / ${v.intact.of}`,
        ]),
      ),
      '',
    )
  }
  if (r.throughput) {
    const fl = r.throughput.floor
    out.push('## Throughput', '')
    out.push(`One stream of ${f(m.config.throughput.bytes / 2 ** 20, 0)} MiB in ${m.config.throughput.eventSize} B events, as fast as it goes; ${m.config.throughput.runs} runs per variant.`, '')
    out.push(
      table(
        ['variant', 's median', 's p99', 'MB/s', '×floor', 'intact'],
        Object.entries(r.throughput).map(([name, v]) => [
          name,
          f(v.seconds.median, 3),
          f(v.seconds.p99, 3),
          f(v.mbPerS, 1),
          x(v.mbPerS, fl?.mbPerS),
          `${v.intact.runs} / ${v.intact.of}`,
        ]),
      ),
      '',
    )
  }
  if (r.concurrency) {
    const s = m.config.concurrency.stream
    out.push('## Concurrent streams', '')
    out.push(
      `All streams started at once, each ${s.n} events of ${s.size} B ${s.intervalMs} ms apart. Intact = every event once, in order, ending with done. ` +
        'Peak memory = the workerd process\'s peak RSS (VmHWM after a reset, and RSS sampled every 10 ms) above its RSS before the run, per stream.',
      '',
    )
    const rows: (string | number)[][] = []
    for (const [level, byVariant] of Object.entries(r.concurrency)) {
      const fl = byVariant.floor
      for (const [name, v] of Object.entries(byVariant)) {
        rows.push([
          level,
          name,
          `${v.intact} / ${v.streams}`,
          f(v.peakKbPerStream, 1),
          v.peakKbPerStream !== undefined && fl?.peakKbPerStream !== undefined ? x(v.peakKbPerStream, fl.peakKbPerStream) : '–',
          v.peakRssKb !== undefined ? f(v.peakRssKb / 1024, 0) : '–',
          f(v.cpuMs, 0),
          f(v.latency.p99, 1),
          f(v.seconds, 2),
          v.errors.join('; ') || '–',
        ])
      }
    }
    out.push(table(['streams', 'variant', 'intact', 'peak KB / stream', '×floor', 'peak RSS MB', 'CPU ms', 'latency p99 ms', 'wall s', 'errors'], rows), '')
  }
  if (r.lambda) {
    const l = r.lambda
    out.push('## Lambda handler', '')
    out.push(
      'CPU per chunk of the agent-stream normalizer (aws/lambda/agent-stream.ts) fed agent streams recorded from AWS\'s BedrockAgentCoreApp ' +
        `(one agent message per chunk; process.cpuUsage, ${m.config.lambda.rounds} rounds after a warm-up round); the bundle built with the deployed esbuild options; ` +
        `module init = importing the bundle in a fresh node process (${m.config.lambda.inits} processes).`,
      '',
    )
    out.push(
      table(
        ['stream', 'chunks', 'events out', 'µs/chunk median', 'p99'],
        l.normalizer.map((n) => [n.stream, n.chunks, n.events, f(n.usPerChunk.median, 2), f(n.usPerChunk.p99, 2)]),
      ),
      '',
    )
    out.push(
      table(
        ['bundle bytes', 'gzip bytes', 'module init ms median', 'p99'],
        [[l.bundle.bytes, l.bundle.gzipBytes, f(l.moduleInitMs.median, 1), f(l.moduleInitMs.p99, 1)]],
      ),
      '',
    )
  }
  if (r.page) {
    const p = r.page
    out.push('## The page', '')
    out.push(
      `The island's renderer (app/client/render-markdown.ts) in headless Chromium (1280×720), inside the page: the island's own markup (app/islands/chat.tsx rendered as the Worker renders it) with a user turn and the streaming answer in its log, and the page's stylesheet (an older renderer: its own stylesheet); an answer of ${p.bytes} B of markdown (headings, paragraphs, lists, tables, quotes, code) in ${p.chunks} chunks, ${m.config.page.runs} runs. ` +
        `**One chunk per frame**: each chunk rendered and laid out on its own (append, then a forced style/layout), performance.now() in a cross-origin-isolated page (${p.crossOriginIsolated ? '5 µs' : '100 µs'} resolution), per chunk index the median of the runs: ` +
        `what a chunk costs when chunks arrive further apart than frames. **Streamed**: a chunk every ${p.streamed.intervalMs} ms from timers, the renderer scheduling as on the page, the browser rendering frames; ` +
        `the view following the answer with the page's own ScrollFollower (app/client/scroll-follow.ts; renderers older than it: a stand-in that scrolls once per frame); the answer's end() and the highlighting it starts in the whole answer's figure, not in the tenths. ` +
        `Main-thread CPU time (CDP Performance.getMetrics ThreadTime: script, style, layout, paint, everything the page's main thread does) read at each tenth's end, less the same in a floor run right before each run: the same page, timers and test-driver calls with no view and no following (${f(p.streamed.floorUs, 0)} µs per chunk), so the test driver's own event dispatch is not counted; the median of the runs' differences. ` +
        `**Browser floor** (its own row): in each run, right after the renderer's, the same answer's text with no markup parsed, one <p> per line of its source (bench/page-text-view.ts), rendered as often as the renderer was and followed the same way, less the same floor: what the browser needs to style, lay out and paint this much text on the page, which no renderer can go below.`,
      '',
    )
    const pages: [string, PageFigures][] = [['app/client/render-markdown.ts', p], ...(p.before ?? []).map((b) => [`the same at ${b.commit}`, b] as [string, PageFigures])]
    out.push(
      table(
        ['renderer', 'streamed: main-thread µs per chunk', 'first 10%', 'last 10%', 'last/first', 'chunks per render', 'one chunk per frame: µs median', 'p99', 'append only µs', 'first 10%', 'last 10%', 'first quarter', 'last quarter', 'last/first quarter', 'slope µs per 10 KB', 'total ms', 'highlighting ms after the end'],
        pages.map(([name, v]) => [
          name,
          f(v.streamed?.perChunkUs, 0),
          f(v.streamed?.first10Us, 0),
          f(v.streamed?.last10Us, 0),
          f(v.streamed?.growth),
          f(v.streamed?.chunksPerRender, 1),
          f(v.perChunkUs.median, 0),
          f(v.perChunkUs.p99, 0),
          f(v.appendOnlyUs.median, 0),
          f(v.first10Us, 0),
          f(v.last10Us, 0),
          f(v.firstQuarterUs, 0),
          f(v.lastQuarterUs, 0),
          f(v.growth),
          f(v.slopeUsPer10KB, 1),
          f(v.totalMs.median, 0),
          v.highlightMs === undefined ? '–' : f(v.highlightMs, 0),
        ]).concat(
          // The browser floor of the same run: what the text alone costs the page (bench/page-text-view.ts).
          p.streamed.textOnlyUs === undefined
            ? []
            : [['browser floor: the same text as plain paragraphs, rendered as often', f(p.streamed.textOnlyUs, 0), ...Array<string>(15).fill('–')]],
        ),
      ),
      '',
    )
  }
  if (r.disconnect) {
    const d = r.disconnect
    out.push('## What a Worker learns when its client leaves', '')
    out.push(
      'bench/workers/disconnect-probe.ts in workerd: a client reads the first bytes of an endless answer and leaves. `relay` pipes the upstream body into an IdentityTransformStream (the relay floor); ' +
        `\`passthrough\` hands it over as it is (the floor) with a request.signal listener and a live waitUntil. Cancel = the Worker called the upstream's cancel within ${d.waitMs} ms. ` +
        'While passthrough shows no cancel, the route cannot be the floor (bench/relay-floor.md).',
      '',
    )
    out.push(
      table(
        ['way', 'upstream connection closed', 'Worker sent its cancel', 'ms to the cancel'],
        Object.entries(d.by).map(([way, v]) => [way, v.upstreamClosed ? 'yes' : 'no', v.cancelled ? 'yes' : 'no', f(v.cancelMs, 1)]),
      ),
      '',
    )
  }
  if (r.load) out.push(...loadSection(r.load, m), '')
  if (r.paths) out.push(...renderPaths(r.paths))
  if (r.durable) out.push(...durableSection(r.durable), '')
  if (r.refs) out.push(...refsSection(r.refs, r.durable), '')
  out.push('## Method', '')
  out.push(
    [
      '- Upstream: a Node HTTP server on 127.0.0.1 speaking the Lambda\'s side of the contract (`meta`, `text`…, `done`); each text event carries its send time, taken just before its write. The client (node:http, keep-alive) runs in the same process and clock.',
      '- Every Worker variant runs in its own workerd process started by Miniflare on 127.0.0.1 with the project\'s compatibility date and flags; CPU and memory are that process\'s /proc counters.',
      '- The floor hands the upstream body to workerd as it is, so workerd pumps it after the handler has returned (a deferred proxy), where no JavaScript learns that the client left: workerd fires request.signal only when there is no deferred proxy (src/workerd/io/worker-entrypoint.c++). The relay floor pays for the second native pump that makes the end of the stream observable; see bench/relay-floor.md.',
      "- The reference route: a HonoX route (`createRoute`) doing `stream()` + `stream.pipe(res.body)` with `Content-Encoding: Identity`. The project's route: the Worker `npm run build` writes, with wrangler.toml's vars, pointed at the upstream; its rate limiter gets a limit the run cannot reach.",
      '- Where a chunk\'s cost goes (CPU, context switches, syscalls, perf samples by kind): bench/profile.md; the relay designs tried before the native pipe: bench/experiments.md; the route before the native relay and the rejected passthrough proposal: bench/relay-floor.md (their code is at commit 8f39d5a).',
      '- Figures from one run on a shared 2-core machine: compare variants within the run, not across runs. p99 latency and coalescing react to any other load on the machine (the floor shows it too).',
      `- Reproduce: \`npm run bench\` (sizes: bench/config.ts; override with BENCH_CONFIG='{"latency":{"runs":3}}'; \`--only=latency,cpu\`, \`--smoke\`).`,
    ].join('\n'),
    '',
  )
  return out.join('\n')
}

const mb = (kb: number | undefined) => (kb === undefined ? '–' : f(kb / 1024, 0))

/** The load suite's section: correctness and time to first text per burst, then memory per process kind. */
export function loadSection(l: LoadFigures, meta: { startedAt?: string; mode?: string }): string[] {
  const out: string[] = ['## Parallel chats: load and memory after bursts', '']
  const o = l.offline
  out.push(
    `Measured ${meta.startedAt ?? ''} (${meta.mode ?? ''} sizes; \`npx tsx bench/run.ts --only=load\`). Every chat is a new conversation: \`POST /api/invoke\` of "${l.prompt}" to the project's Worker (${l.build}) in workerd, ` +
      'the turn run by its conversation Durable Object (SQLite kept on disk, as `wrangler dev` keeps it). ' +
      `An answer counts when it is 200, its text is byte for byte the offline model's answer (${l.answerBytes} B, aws/agent/offline-answer.ts) and its last event is \`done\` (end_turn). ` +
      `The offline model's pace: first token after ${o.firstTokenMs} ms, ${o.tokensPerSecond} tokens/s (the agent's defaults). Time to first text = request sent → first \`text\` event at the client, so it includes that first-token wait. ` +
      `Identical bursts, ${l.idleMs / 1000} s of idle after each.`,
    '',
    '- **edge**: workerd in front of the synthetic upstream (bench/upstream.ts), which answers as the offline model does (the same tokens at the same pace, the Lambda\'s events): it measures what the Worker and its Durable Objects hold and cost with the full count of chats; the AWS side costs nothing.',
    '- **chain**: workerd → the whole local cloud (API Gateway emulator → the Lambda bundle under aws-lambda-ric → AgentCore emulator → the TypeScript agent). The local Lambda runs one Node process per concurrent invocation, as Lambda runs one execution environment per concurrent request, so this row runs as many chats as LOCAL_LAMBDA_CONCURRENCY\'s default (100), with the concurrency set to that: 500 such processes do not fit this 2-core machine. Its first burst includes every runtime process\'s cold start.',
    '',
  )
  const rows: (string | number)[][] = []
  for (const row of l.rows) {
    row.bursts.forEach((b, i) => {
      const failures = Object.entries(b.failures).map(([k, n]) => `${n} × ${k}`).join('; ')
      rows.push([row.row, i + 1, b.chats, `${b.exact} / ${b.chats}`, b.status5xx, failures || '–', f(b.ttft.median, 0), f(b.ttft.p99, 0), f(b.seconds, 1), f(b.workerdCpuMsPerChat, 1), b.lambda ? `${b.lambda.invocations} (${b.lambda.spawned} processes so far)` : '–'])
    })
  }
  out.push(table(['row', 'burst', 'chats', 'byte-exact, done', '5xx', 'failures', 'first text p50 ms', 'p99 ms', 'burst s', 'workerd CPU ms per chat', 'Lambda invocations'], rows), '')
  out.push(
    `Memory per process kind (RSS, MB): before the first burst, the peak during each burst (${l.peakRssMethod}), and after each burst\'s idle wait. ` +
      'Several processes of a kind (the Lambda runtimes): the sum, with the largest single process in brackets. ' +
      'Verdict: the settled RSS after the last burst against the first — flat (a high-water mark: the memory is kept for reuse, not lost) or grows (about the same again every burst: a leak).',
    '',
  )
  const mem: (string | number)[][] = []
  for (const row of l.rows) {
    for (const name of Object.keys(row.bursts[0]?.memory ?? {})) {
      const cells = row.bursts.map((b) => b.memory[name])
      const many = cells.some((c) => c.peak.processes > 1)
      const show = (s: { sumKb: number; maxKb: number; processes: number }) => (many ? `${mb(s.sumKb)} (${mb(s.maxKb)})` : mb(s.sumKb))
      const t = row.trend[name]
      mem.push([
        row.row,
        name,
        cells[0].before.processes === 0 && !many ? '–' : show(cells[0].before),
        ...cells.map((c) => `${show(c.peak)} → ${show(c.settled)}`),
        t ? `${t.verdict} (${f(t.growthPerBurstKb / 1024, 1)} MB per burst after the first; the first kept ${f(t.firstBurstKb / 1024, 1)} MB)` : '–',
      ])
    }
  }
  const bursts = Math.max(...l.rows.map((r) => r.bursts.length))
  out.push(table(['row', 'process', 'before', ...Array.from({ length: bursts }, (_, i) => `burst ${i + 1}: peak → settled`), 'verdict'], mem))
  return out
}

/** The durable path (bench/suites/durable.ts): its own figures and targets (issue 10), beside the floors of the same run. */
function durableSection(d: DurableFigures): string[] {
  const ok = (met: boolean) => (met ? '✅' : '❌')
  const project = d.addedLatency.project
  const rows = d.variants.filter((v) => v !== 'direct').map((v) => [v === 'project' ? 'project (the durable path)' : v, f(d.cpu[v]?.msPerAnswer), f(d.cpu[v]?.usPerChunk, 1), f(d.addedLatency[v]?.median, 3), f(d.addedLatency[v]?.p99, 3)])
  return [
    '## The durable path',
    '',
    "Every turn of the project's route goes through the conversation's Durable Object (SQLite storage, event ids, batched writes, fan-out, replay): its cost beside the floor and the relay floor, in this run " +
      '(bench/suites/durable.ts). Reconnect: a reader of a running answer leaves after a few events and comes back with `?after=<last id>`; the time from that request to its first event. ' +
      "Storage writes: the conversation's own count of its SQLite write transactions (Conversation.stats(), read through Miniflare, not a route). " +
      'Stop: on the whole local chain (workerd → API Gateway emulator → the Lambda under aws-lambda-ric → AgentCore emulator → the TypeScript agent on the offline model), POST stop sent → the agent’s turn ended, taken at the agent.',
    '',
    table(['variant', `CPU ms per ${d.cpuChunks}-chunk answer (median)`, 'CPU µs per chunk', 'added latency per chunk, median ms', 'p99 ms'], rows),
    '',
    table(
      ['figure', 'p50 / median', 'p99', 'n', 'target'],
      [
        ['added latency per chunk (durable path)', f(project?.median, 3), f(project?.p99, 3), '–', project ? `${ok(project.median < 0.5)} median < 0.5 ms` : '–'],
        ['reconnect → first replayed event (ms)', f(d.reconnect.median, 2), f(d.reconnect.p99, 2), `${d.reconnect.n} (${d.reconnect.exact} resumed at exactly the next id${Object.keys(d.reconnect.failed).length ? `; answers that did not start: ${Object.entries(d.reconnect.failed).map(([k, v]) => `${v}× ${k}`).join(', ')}` : ''})`, `${ok(d.reconnect.p99 < 50)} p99 < 50 ms`],
        [`storage writes per ${d.storage.chunks}-chunk answer (${d.storage.eventsPerAnswer} events)`, f(d.storage.writesPerAnswer.median, 0), f(d.storage.writesPerAnswer.p99, 0), String(d.storage.writesPerAnswer.n), 'batched (64 events or 100 ms per write)'],
        ['Stop → the agent’s end (ms, local chain)', f(d.stop.toAgentEnd.median, 1), f(d.stop.toAgentEnd.p99, 1), `${d.stop.of} (${d.stop.cancelledAtAgent} ended cancelled at the agent)`, `${ok(d.stop.toAgentEnd.p99 < 1000)} < 1 s`],
        ['the stop request itself (ms)', f(d.stop.response.median, 1), f(d.stop.response.p99, 1), String(d.stop.of), '–'],
      ],
    ),
  ]
}
