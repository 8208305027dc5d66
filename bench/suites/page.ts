/**
 * The page's renderer (app/client/render-markdown.ts, the island's MarkdownView) in Chromium: a
 * 100 KB markdown answer arriving in 2,000 chunks, measured two ways.
 * - One chunk per frame: each chunk rendered and laid out on its own (append, then a forced
 *   style/layout), timed with performance.now() in a cross-origin-isolated page (5 µs resolution
 *   instead of 100 µs). What a chunk costs when chunks come further apart than frames.
 * - Streamed: a chunk every `intervalMs` from timers, the renderer scheduling as it does on the page,
 *   the view following the answer (one scroll per frame) and the browser rendering frames as it
 *   does; main-thread time is the main thread's CPU time (CDP Performance.getMetrics ThreadTime:
 *   script, style, layout, paint, everything, and CPU rather than wall time, which a loaded machine
 *   stretches), read before and after each tenth of the answer, less the same harness's time with
 *   no renderer (its timers and frames).
 * The question besides the cost is whether it grows with the answer so far: the first tenth (or
 * quarter) against the last, and the least-squares slope of cost over answer length.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import type { BenchConfig } from '../config'
import { chunked, markdownAnswer } from '../markdown-answer'
import { median, slope, summarize, type Summary } from '../stats'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The chat page's skeleton around one streaming answer (the markup app/islands/chat.tsx and
 * ChatController build) with the page's own stylesheet, so layout costs what it costs there.
 */
export const PAGE = `<!doctype html><html><head><meta charset="utf-8"><style>${readFileSync(`${ROOT}public/static/style.css`, 'utf8')}</style></head>
<body><div class="app"><header class="bar"><h1>Agent chat</h1></header><section class="chat"><ol class="log">
<li class="turn user"><div class="who">You</div><div class="body">Explain streaming.</div></li>
<li class="turn assistant streaming"><div class="who">Agent</div><div class="body answer"></div></li>
</ol><form class="composer"><textarea rows="3"></textarea><div class="actions"><button class="send">Send</button></div></form></section></div></body></html>`

export interface StreamedFigures {
  intervalMs: number
  /** The harness alone (timers, frames, scrolling, no renderer): main-thread CPU µs per chunk, subtracted from the figures below. */
  floorUs: number
  /** The renderer's main-thread CPU µs per chunk over the whole answer, median of the runs. */
  perChunkUs: number
  /** The same over the first and the last tenth of the chunks. */
  first10Us: number
  last10Us: number
  /** last10Us / first10Us: ~1 when the cost does not grow. */
  growth: number
  /** Chunks per render (renderers that render on every append: 1). */
  chunksPerRender: number
}

export interface PageFigures {
  chunks: number
  bytes: number
  /** Main-thread ms for the whole answer (append + layout), per run. */
  totalMs: Summary
  /** Per chunk (µs), all chunks of the median run... pooled over runs. */
  perChunkUs: Summary
  appendOnlyUs: Summary
  firstQuarterUs: number
  lastQuarterUs: number
  /** lastQuarterUs / firstQuarterUs: ~1 when the cost does not grow. */
  growth: number
  /** Median cost of the first and the last tenth of the chunks. */
  first10Us: number
  last10Us: number
  /** µs per chunk added per 10 KB of answer already rendered. */
  slopeUsPer10KB: number
  crossOriginIsolated: boolean
  chromium: string
  /** After the last chunk: ms until every finished code block is highlighted (the highlighter's share). */
  highlightMs?: number
  /** Chunks every config.page.intervalMs, rendered as the page does (per frame, where the renderer does). */
  streamed: StreamedFigures
  /** The same answer through the renderers of config.page.before. */
  before?: Array<PageFigures & { commit: string }>
}

/** The renderer of the tree at `root` (the work tree, or an older commit's app/client) bundled for the page. */
export async function rendererScript(root: string = ROOT): Promise<string> {
  const out = await build({
    stdin: {
      contents: `import { MarkdownView } from './app/client/render-markdown'; globalThis.MarkdownView = MarkdownView; globalThis.renderNow = (render) => render()`,
      resolveDir: root,
      loader: 'ts',
    },
    // An older commit's tree (in a temporary folder) resolves its packages from the work tree's.
    nodePaths: [join(ROOT, 'node_modules')],
    bundle: true,
    // highlight.ts leaves the highlighter out of the Worker's build through this flag (Vite sets it).
    define: { 'import.meta.env.SSR': 'false' },
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  return out.outputFiles[0].text
}

export async function pageSuite(config: BenchConfig, log: (m: string) => void): Promise<PageFigures> {
  const { launchBrowser } = await import('../../e2e/browser')
  const browser = await launchBrowser()
  try {
    const floor = await withPage(browser, (page) => streamTenths(page, config, undefined))
    log(`page: the harness alone costs ${floor.perChunkUs.toFixed(0)} µs per chunk streamed`)
    const current = await measure(browser, config, log, await rendererScript(), floor)
    const before: Array<PageFigures & { commit: string }> = []
    for (const commit of config.page.before ?? []) {
      // The older renderer's sources, as they were at that commit (git archive: no checkout needed).
      const tree = mkdtempSync(join(tmpdir(), 'page-before-'))
      try {
        const archive = execFileSync('git', ['archive', commit, 'app/client'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })
        execFileSync('tar', ['-x', '-C', tree], { input: archive })
        log(`page: the renderer of ${commit}`)
        before.push({ ...(await measure(browser, config, log, await rendererScript(tree), floor)), commit })
      } finally {
        rmSync(tree, { recursive: true, force: true })
      }
    }
    return before.length ? { ...current, before } : current
  } finally {
    await browser.close()
  }
}

/** A page at http://127.0.0.1/bench holding PAGE, for `use`. */
async function withPage<T>(browser: Browser, use: (page: Page) => Promise<T>): Promise<T> {
  const page = await browser.newPage()
  try {
    // Served by the test itself (no server, no network): COOP+COEP make the page cross-origin
    // isolated, which is what gives performance.now() its fine resolution.
    await page.route('http://127.0.0.1/bench', (route) =>
      route.fulfill({
        status: 200,
        headers: {
          'content-type': 'text/html',
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        },
        body: PAGE,
      }),
    )
    return await use(page)
  } finally {
    await page.close()
  }
}

const chunksOf = (config: BenchConfig) => chunked(markdownAnswer(config.page.bytes), config.page.chunks)

async function measure(browser: Browser, config: BenchConfig, log: (m: string) => void, script: string, floor: Tenths): Promise<PageFigures> {
  return withPage(browser, async (page) => {
    const text = markdownAnswer(config.page.bytes)
    const chunks = chunksOf(config)
    const runs: { layout: number[]; append: number[]; isolated: boolean; sizes: number[]; highlightMs?: number }[] = []
    for (let r = 0; r < config.page.runs; r++) {
      await page.goto('http://127.0.0.1/bench')
      await page.addScriptTag({ content: script })
      runs.push(
        await page.evaluate(async (chunks) => {
          const root = document.querySelector('.answer') as HTMLElement
          // Highlighting on, as on the page: a finished code block is highlighted once, off the chunk's path.
          // Rendering on every append (renderers older than per-frame rendering ignore the option and always do).
          const view = new (globalThis as any).MarkdownView(root, { labels: { copy: 'Copy', copied: 'Copied', copyCode: 'Copy code' }, schedule: (globalThis as any).renderNow })
          const append: number[] = []
          const layout: number[] = []
          const sizes: number[] = []
          let size = 0
          for (const c of chunks) {
            const t0 = performance.now()
            view.append(c)
            const t1 = performance.now()
            void root.offsetHeight // force style + layout, as the browser must before the next frame
            const t2 = performance.now()
            append.push((t1 - t0) * 1000)
            layout.push((t2 - t0) * 1000)
            size += c.length
            sizes.push(size)
          }
          let highlightMs: number | undefined
          if (typeof view.end === 'function') {
            view.end()
            const t0 = performance.now()
            await view.settled()
            highlightMs = performance.now() - t0
          }
          return { layout, append, isolated: crossOriginIsolated, sizes, highlightMs }
        }, chunks),
      )
      log(`page run ${r + 1}/${config.page.runs}`)
    }
    const tenths = await streamTenths(page, config, script)
    log(`page streamed: ${tenths.perChunkUs.toFixed(0)} µs per chunk before the harness's own`)
    const streamed: StreamedFigures = {
      intervalMs: config.page.intervalMs,
      floorUs: floor.perChunkUs,
      perChunkUs: tenths.perChunkUs - floor.perChunkUs,
      first10Us: tenths.first - floor.first,
      last10Us: tenths.last - floor.last,
      growth: (tenths.last - floor.last) / (tenths.first - floor.first),
      chunksPerRender: tenths.chunksPerRender,
    }
    // Per chunk index, the median over runs: one GC pause in one run does not make a trend.
    const n = chunks.length
    const perIndex = Array.from({ length: n }, (_, i) => median(runs.map((run) => run.layout[i])))
    const q = Math.max(1, Math.floor(n / 4))
    const first = median(perIndex.slice(0, q))
    const last = median(perIndex.slice(n - q))
    const tenth = Math.max(1, Math.floor(n / 10))
    return {
      chunks: n,
      bytes: text.length,
      totalMs: summarize(runs.map((run) => run.layout.reduce((a, b) => a + b, 0) / 1000)),
      perChunkUs: summarize(perIndex),
      appendOnlyUs: summarize(Array.from({ length: n }, (_, i) => median(runs.map((run) => run.append[i])))),
      firstQuarterUs: first,
      lastQuarterUs: last,
      growth: last / first,
      first10Us: median(perIndex.slice(0, tenth)),
      last10Us: median(perIndex.slice(n - tenth)),
      streamed,
      slopeUsPer10KB: slope(
        runs[0].sizes.map((s) => s / 10_000),
        perIndex,
      ),
      crossOriginIsolated: runs.every((run) => run.isolated),
      chromium: browser.version(),
      ...(runs[0].highlightMs !== undefined && { highlightMs: median(runs.map((run) => run.highlightMs!)) }),
    }
  })
}

interface Tenths {
  /** Main-thread CPU µs per chunk: the whole answer, its first and its last tenth (medians of the runs). */
  perChunkUs: number
  first: number
  last: number
  chunksPerRender: number
}

/**
 * The answer's chunks from timers `intervalMs` apart (scheduled all at once, so Chromium does not
 * clamp nested timeouts), into a view made as the page makes it (its default scheduling; without a
 * `script`, no view: the harness alone), in tenths: the main thread's CPU time read before and after
 * each tenth, which ends two frames after its last chunk so that its renders are inside.
 */
async function streamTenths(page: Page, config: BenchConfig, script: string | undefined): Promise<Tenths> {
  const chunks = chunksOf(config)
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Performance.enable')
  const threadSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')!.value
  const n = chunks.length
  const runs: { tenths: number[]; renders: number }[] = []
  try {
    for (let r = 0; r < config.page.runs; r++) {
      await page.goto('http://127.0.0.1/bench')
      if (script) await page.addScriptTag({ content: script })
      await page.evaluate((chunks) => {
        const g = globalThis as any
        const labels = { copy: 'Copy', copied: 'Copied', copyCode: 'Copy code' }
        const view = g.MarkdownView ? new g.MarkdownView(document.querySelector('.answer'), { labels }) : { append() {} }
        g.bench = { view, chunks, renders: 0, frame: 0 }
        // Counts renders where the renderer has a render of its own (per-frame rendering); older ones render per append.
        if (typeof view.flush === 'function') {
          const flush = view.flush
          view.flush = () => {
            g.bench.renders++
            return flush.call(view)
          }
        }
      }, chunks)
      const tenths: number[] = []
      for (let t = 0; t < 10; t++) {
        const from = Math.floor((n * t) / 10)
        const to = Math.floor((n * (t + 1)) / 10)
        if (to <= from) continue
        const before = await threadSeconds()
        await page.evaluate(
          ([from, to, interval]) =>
            new Promise<void>((resolve) => {
              const bench = (globalThis as any).bench
              const { view, chunks } = bench
              for (let i = from; i < to; i++) {
                setTimeout(() => {
                  view.append(chunks[i])
                  // The view follows the answer, as app/client/scroll-follow.ts does: one scroll per frame.
                  bench.frame ||= requestAnimationFrame(() => {
                    bench.frame = 0
                    scrollTo({ top: document.documentElement.scrollHeight, behavior: 'instant' })
                  })
                  if (i === to - 1) requestAnimationFrame(() => requestAnimationFrame(() => resolve()))
                }, (i - from) * interval)
              }
            }),
          [from, to, config.page.intervalMs] as const,
        )
        tenths.push((((await threadSeconds()) - before) * 1e6) / (to - from))
      }
      const renders = await page.evaluate(() => {
        const { view, renders } = (globalThis as any).bench
        view.end?.()
        return renders
      })
      runs.push({ tenths, renders })
    }
  } finally {
    await cdp.detach().catch(() => {})
  }
  const renders = median(runs.map((run) => run.renders))
  return {
    perChunkUs: median(runs.map((run) => run.tenths.reduce((a, b) => a + b, 0) / run.tenths.length)),
    first: median(runs.map((run) => run.tenths[0])),
    last: median(runs.map((run) => run.tenths[run.tenths.length - 1])),
    chunksPerRender: renders > 0 ? n / renders : 1,
  }
}
