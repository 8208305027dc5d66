/**
 * Where the page's time per chunk goes: the bench page suite's answer through the renderer, with a
 * Chromium trace (main-thread self time per trace event, CPU time where the trace has it) and a JS
 * CPU profile (self time per function, inclusive time of the renderer's functions). Not part of
 * `npm run bench`. The page is the bench's (bench/suites/page.ts withPage: the island's markup, the
 * stylesheet, the highlighting Worker's module served beside it).
 *   npx tsx bench/page-profile.ts sync            each chunk rendered and laid out at once
 *   npx tsx bench/page-profile.ts stream 2        a chunk every 2 ms as the bench's streamed run does
 *                                                 it (timers, the page's render schedule, the page's
 *                                                 ScrollFollower told of each chunk), then end()
 * Env: TRACE=devtools.timeline,disabled-by-default-devtools.timeline (trace categories; none by
 * default), CSS='…' (extra page CSS, to try a rule), NOVIEW=1 (the bench's floor: timers only),
 * INTERVAL=ms (render every ms instead of the page's adaptive interval), HL=0 (no highlighting),
 * WARM=1 (the renderer run once on the answer before, off the page: a warm JIT), SAMPLE_US (JS profile's interval),
 * JS=0 (no JS profile: its sampling costs the page time too), TRACE_OUT=file.json (the trace, for
 * chrome://tracing or Perfetto), TEXT=1 (the bench's browser floor instead of the renderer: the text
 * alone as paragraphs, bench/page-text-view.ts, rendered every INTERVAL ms, 165 by default), PRESCROLL=1
 * (stream: the view scrolled to the new bottom right after each DOM build, before its frame).
 */
import { writeFileSync } from 'node:fs'
import { launchBrowser } from '../e2e/browser'
import { chunked, markdownAnswer } from './markdown-answer'
import { rendererScript, textViewScript, withPage } from './suites/page'

const mode = process.argv[2] ?? 'sync'
const gap = Number(process.argv[3] ?? 2)
const chunks = chunked(markdownAnswer(100_000), 2000)
// TREE=dir: the renderer and stylesheet of another tree (e.g. `git archive <commit> app/client public/static | tar -x -C dir`), to compare.
const tree = process.env.TREE ? process.env.TREE.replace(/\/?$/, '/') : process.cwd() + '/'
const script = await rendererScript(tree)
const browser = await launchBrowser()
try {
  await withPage(
    browser,
    tree,
    async (page) => {
      await page.goto('http://127.0.0.1/bench')
      await page.addScriptTag({ content: script })
      if (process.env.TEXT === '1') await page.addScriptTag({ content: await textViewScript() })
      // (A script tag, not a function in evaluate: tsx would wrap a named function in a helper the page lacks.)
      await page.addScriptTag({ content: 'globalThis.fixedSchedule = (ms) => (render) => setTimeout(() => requestAnimationFrame(render), ms)' })
      const cdp = await page.context().newCDPSession(page)
      const events: any[] = []
      cdp.on('Tracing.dataCollected', (e: any) => events.push(...e.value))
      const done = new Promise<void>((res) => cdp.once('Tracing.tracingComplete', () => res()))
      await cdp.send('Performance.enable')
      const threadSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')!.value
      const jsProfile = process.env.JS !== '0'
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: Number(process.env.SAMPLE_US ?? 200) })
      await cdp.send('Tracing.start', { categories: process.env.TRACE ?? '-*', transferMode: 'ReportEvents' })
      if (jsProfile) await cdp.send('Profiler.start')
      const cpu0 = await threadSeconds()
      const t = await page.evaluate(
        async ({ chunks, mode, gap, noView, interval, hl, warm, text, prescroll }) => {
          const g = globalThis as any
          const root = document.querySelector('.answer') as HTMLElement
          const labels = { copy: 'Copy', copied: 'Copied', copyCode: 'Copy code' }
          // A fixed render interval instead of the page's adaptive one (to see what a render costs at each).
          const fixed = interval ? { schedule: g.fixedSchedule(interval) } : {}
          const view = noView
            ? undefined
            : text
              ? new g.TextView(root, interval || 165)
              : new g.MarkdownView(root, { labels, highlight: hl, ...(mode === 'sync' ? { schedule: g.renderNow } : fixed) })
          const follower = noView || mode === 'sync' ? undefined : new g.ScrollFollower(window, document.querySelector('button.jump'))
          // PRESCROLL=1: the view scrolled to the answer's new bottom right after each DOM build, before
          // the frame that renders it, so content-visibility: auto decides what is on screen at the new
          // bottom, not the old one (bench/report.md, "The page": skipping the text scrolled past).
          if (prescroll && view && follower) {
            const apply = view.apply
            if (typeof apply !== 'function') throw new Error('PRESCROLL: the renderer has no apply() to follow')
            view.apply = (...args: unknown[]) => {
              const out = apply.apply(view, args)
              if (follower.isFollowing) window.scrollTo(0, document.documentElement.scrollHeight)
              return out
            }
          }
          let renders = 0
          let flushMs = 0
          if (view) {
            const flush = view.flush
            view.flush = () => {
              renders++
              const start = performance.now()
              const more = flush.call(view)
              flushMs += performance.now() - start
              return more
            }
          }
          // WARM=1: the renderer's code run once on the whole answer first (off the page), so the
          // measured run is not the first: what the JIT's warm-up costs a fresh page's first answer.
          if (warm) {
            const w = new g.MarkdownView(document.createElement('div'), { labels, highlight: false, schedule: g.renderNow })
            for (const c of chunks) w.append(c)
            w.end()
          }
          const t0 = performance.now()
          if (mode === 'sync') {
            for (const c of chunks) {
              view.append(c)
              void root.offsetHeight
            }
          } else {
            // As bench/suites/page.ts streamRun: a tenth's timers scheduled at once.
            const n = chunks.length
            for (let t = 0; t < 10; t++) {
              const from = Math.floor((n * t) / 10)
              const to = Math.floor((n * (t + 1)) / 10)
              await new Promise<void>((resolve) => {
                for (let i = from; i < to; i++) {
                  setTimeout(() => {
                    view?.append(chunks[i])
                    follower?.contentChanged()
                    if (i === to - 1) requestAnimationFrame(() => requestAnimationFrame(() => resolve()))
                  }, (i - from) * gap)
                }
              })
            }
          }
          view?.end()
          await view?.settled()
          await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
          return { ms: performance.now() - t0, renders, flushMs }
        },
        { chunks, mode, gap, noView: !!process.env.NOVIEW, interval: Number(process.env.INTERVAL ?? 0), hl: process.env.HL !== '0', warm: !!process.env.WARM, text: process.env.TEXT === '1', prescroll: process.env.PRESCROLL === '1' },
      )
      const cpu1 = await threadSeconds()
      const { profile } = jsProfile ? ((await cdp.send('Profiler.stop')) as any) : { profile: undefined }
      await cdp.send('Tracing.end')
      await done
      if (process.env.TRACE_OUT) writeFileSync(process.env.TRACE_OUT, JSON.stringify({ traceEvents: events }))
      report(events, profile, t, (cpu1 - cpu0) * 1e6)
    },
    process.env.CSS ?? '',
  )
} finally {
  await browser.close()
}

function report(events: any[], profile: any, t: { ms: number; renders: number; flushMs: number }, cpuUs: number) {
  const per = (us: number) => `${(us / 1000).toFixed(1)} ms  ${(us / chunks.length).toFixed(1)} µs/chunk`
  console.log(`mode ${mode} wall ${t.ms.toFixed(0)} ms, ${t.renders} renders (flush: ${per(t.flushMs * 1000)}), main-thread CPU (ThreadTime, profiler on) ${per(cpuUs)}`)
  // Self time per trace event name on the renderer's main thread.
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain') ?? { pid: -1, tid: -1 }
  const xs = events
    .filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && e.dur !== undefined)
    .map((e) => ({ ...e, c: e.tdur ?? e.dur }))
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur)
  const self = new Map<string, number>()
  const stack: any[] = []
  let busy = 0
  for (const e of xs) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop()
    const parent = stack[stack.length - 1]
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.c)
    else busy += e.c
    self.set(e.name, (self.get(e.name) ?? 0) + e.c)
    stack.push(e)
  }
  if (xs.length) {
    console.log(`trace: main-thread busy ${per(busy)}`)
    for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${name.padEnd(40)} ${per(us)}`)
  }
  if (!profile) return
  // JS self time by function (from the CPU profile).
  const dt = new Map<number, number>()
  profile.samples.forEach((id: number, i: number) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)))
  const byFn = new Map<string, number>()
  for (const n of profile.nodes) {
    const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.lineNumber}`
    byFn.set(k, (byFn.get(k) ?? 0) + (dt.get(n.id) ?? 0))
  }
  // Inclusive time per function name (a recursive function counted once per stack).
  const kids = new Map<number, number[]>(profile.nodes.map((n: any) => [n.id, n.children ?? []]))
  const nodeById = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]))
  const incl = new Map<string, number>()
  const walk = (id: number, seen: Set<string>): number => {
    const n = nodeById.get(id)
    const name = n.callFrame.functionName || '(anon)'
    const first = !seen.has(name)
    const s2 = new Set(seen)
    s2.add(name)
    let sum = dt.get(id) ?? 0
    for (const c of kids.get(id)!) sum += walk(c, s2)
    if (first) incl.set(name, (incl.get(name) ?? 0) + sum)
    return sum
  }
  walk(profile.nodes[0].id, new Set())
  console.log('JS inclusive:')
  for (const name of (process.env.FNS ?? 'append,flush,splitFrozen,lex,renderBlocks,patchChildren,freeze,contentChanged,follow,update,applyTree,highlightCode,end').split(','))
    console.log(`  ${name.padEnd(20)} ${per(incl.get(name) ?? 0)}`)
  console.log('JS self time:')
  for (const [name, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${name.padEnd(40)} ${per(us)}`)
}
