/**
 * Where the page's time per chunk goes: the bench page suite's answer through the renderer, with a
 * Chromium trace (main-thread self time per trace event, CPU time where the trace has it) and a JS
 * CPU profile (inclusive time of the renderer's functions). Not part of `npm run bench`.
 *   npx tsx bench/page-profile.ts sync            each chunk rendered and laid out at once
 *   npx tsx bench/page-profile.ts frames 2        a chunk every 2 ms, rendered as on the page
 * Env: TRACE=devtools.timeline,disabled-by-default-devtools.timeline (trace categories; none by
 * default), FOLLOW=1 (scroll to the bottom once per frame), CSS='…' (extra page CSS, to try a rule).
 */
import { launchBrowser } from '../e2e/browser'
import { chunked, markdownAnswer } from './markdown-answer'
import { chatPage, rendererScript } from './suites/page'
const PAGE = await chatPage()

const mode = process.argv[2] ?? 'sync' // sync: append + offsetHeight per chunk; frames: chunks every `gap` ms, browser renders per frame
const gap = Number(process.argv[3] ?? 2)
const browser = await launchBrowser()
const page = await browser.newPage()
await page.route('http://127.0.0.1/bench', (r) => r.fulfill({ status: 200, headers: { 'content-type': 'text/html', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }, body: PAGE.replace('</head>', `<style>${process.env.CSS ?? ''}</style></head>`) }))
await page.goto('http://127.0.0.1/bench')
await page.addScriptTag({ content: await rendererScript() })
const chunks = chunked(markdownAnswer(100_000), 2000)
const cdp = await page.context().newCDPSession(page)
const events: any[] = []
cdp.on('Tracing.dataCollected', (e: any) => events.push(...e.value))
const done = new Promise<void>((res) => cdp.once('Tracing.tracingComplete', () => res()))
await cdp.send('Profiler.enable')
await cdp.send('Profiler.setSamplingInterval', { interval: 1000 })
await cdp.send('Tracing.start', { categories: process.env.TRACE ?? '-*', transferMode: 'ReportEvents' })
await cdp.send('Profiler.start')
const t = await page.evaluate(
  async ({ chunks, mode, gap, follow }) => {
    const root = document.querySelector('.answer') as HTMLElement
    const view = new (globalThis as any).MarkdownView(root, { labels: { copy: 'Copy', copied: 'Copied', copyCode: 'Copy code' }, ...(mode === 'sync' ? { schedule: (globalThis as any).renderNow } : {}) })
    const t0 = performance.now()
    let frame = 0
    for (const c of chunks) {
      view.append(c)
      if (mode === 'sync') void root.offsetHeight
      else {
        if (follow && !frame) frame = requestAnimationFrame(() => { frame = 0; scrollTo({ top: document.documentElement.scrollHeight, behavior: 'instant' }) })
        await new Promise((r) => setTimeout(r, gap))
      }
    }
    if (mode !== 'sync') await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
    {
    }
    view.end?.()
    await view.settled?.()
    return performance.now() - t0
  },
  { chunks, mode, gap, follow: !!process.env.FOLLOW },
)
const { profile } = (await cdp.send('Profiler.stop')) as any
await cdp.send('Tracing.end')
await done
await browser.close()

// Self time per trace event name on the renderer's main thread.
const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain') ?? { pid: -1, tid: -1 }
const xs = events.filter((e) => e.ph === 'X' && e.pid === main.pid && e.tid === main.tid && e.dur !== undefined).map((e) => ({ ...e, c: e.tdur ?? e.dur })).sort((a, b) => a.ts - b.ts || b.dur - a.dur)
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
console.log(`mode ${mode} wall ${t.toFixed(0)} ms, main-thread busy ${(busy / 1000).toFixed(1)} ms = ${(busy / chunks.length).toFixed(0)} µs/chunk`)
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 18)) console.log(`  ${name.padEnd(40)} ${(us / 1000).toFixed(1)} ms  ${(us / chunks.length).toFixed(0)} µs/chunk`)

// JS self time by function (from the CPU profile).
const byFn = new Map<string, number>()
const dt = new Map<number, number>()
profile.samples.forEach((id: number, i: number) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0)))
for (const n of profile.nodes) {
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url ? '' : ''}${n.callFrame.lineNumber}`
  byFn.set(k, (byFn.get(k) ?? 0) + (dt.get(n.id) ?? 0))
}
// Inclusive time per function name.
const kids = new Map<number, number[]>(profile.nodes.map((n: any) => [n.id, n.children ?? []]))
const nodeById = new Map<number, any>(profile.nodes.map((n: any) => [n.id, n]))
const incl = new Map<string, number>()
const walk = (id: number, seen: Set<string>): number => {
  const n = nodeById.get(id)
  const name = n.callFrame.functionName || '(anon)'
  const first = !seen.has(name)
  const s2 = new Set(seen); s2.add(name)
  let t = dt.get(id) ?? 0
  for (const c of kids.get(id)!) t += walk(c, s2)
  if (first) incl.set(name, (incl.get(name) ?? 0) + t)
  return t
}
walk(profile.nodes[0].id, new Set())
console.log('JS inclusive:')
for (const name of ['flush', 'splitFrozen', 'lex', 'renderBlocks', 'patchChildren', 'freeze', 'replaceChildren', 'collectLinks', 'appendData', 'inlineTokens', 'blockTokens']) console.log(`  ${name.padEnd(20)} ${((incl.get(name) ?? 0) / 1000).toFixed(1)} ms ${((incl.get(name) ?? 0) / chunks.length).toFixed(0)} µs/chunk`)
console.log('JS self time:')
for (const [name, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${name.padEnd(40)} ${(us / 1000).toFixed(1)} ms`)
