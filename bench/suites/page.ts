/**
 * The page's renderer (app/client/render-markdown.ts, the island's MarkdownView) in Chromium: a
 * 100 KB markdown answer arriving in 2,000 chunks, measured two ways.
 * - One chunk per frame: each chunk rendered and laid out on its own (append, then a forced
 *   style/layout), timed with performance.now() in a cross-origin-isolated page (5 µs resolution
 *   instead of 100 µs). What a chunk costs when chunks come further apart than frames.
 * - Streamed: a chunk every `intervalMs` from timers, the renderer scheduling as it does on the page,
 *   the page's ScrollFollower following the answer and the browser rendering frames as it does;
 *   main-thread time is the main thread's CPU time (CDP Performance.getMetrics ThreadTime: script,
 *   style, layout, paint, everything, and CPU rather than wall time, which a loaded machine
 *   stretches), read at each tenth's end, less a floor run right before it (the same timers and
 *   test-driver calls, no view): the page's cost, not the test driver's.
 * The question besides the cost is whether it grows with the answer so far: the first tenth (or
 * quarter) against the last, and the least-squares slope of cost over answer length.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import type { BenchConfig } from '../config'
import { chunked, markdownAnswer } from '../markdown-answer'
import { median, slope, summarize, type Summary } from '../stats'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The chat page around one streaming answer: the island's own markup (app/islands/chat.tsx rendered
 * as the Worker renders it, inside the route's <main>), the page's stylesheet, and the two turns
 * app/client/turns.ts adds to the log, so the answer is laid out at the width and in the boxes it
 * has on the page. (A hand-made copy of the markup fell behind once: after the chats column came, it
 * put the answer into that 14rem column, four times the lines of the real page.)
 */
let island: Promise<string> | undefined
/** The page, with the stylesheet of the tree at `root` (an older renderer is measured with its own). */
export async function chatPage(root: string = ROOT): Promise<string> {
  island ??= (async () => {
    const { jsx } = await import('hono/jsx')
    // Loaded by path at run time (tsx compiles it): the bench's type-check program leaves the page's code to its own.
    const chat = await import(pathToFileURL(`${ROOT}app/islands/chat.tsx`).href)
    const html = (await jsx(chat.default, { lang: 'en', maxPromptChars: 4000 }).toString())
      .replace('<div class="welcome">', '<div class="welcome" hidden="">')
      .replace(
        /(<ol class="log"[^>]*>)(<\/ol>)/,
        '$1<li class="turn user" role="article"><div class="who">You</div><div class="body">Explain streaming.</div></li>' +
          '<li class="turn assistant streaming" role="article"><div class="who">Agent</div><div class="body answer"></div></li>$2',
      )
    if (!html.includes('class="body answer"')) throw new Error('the island has no <ol class="log"> to hold the answer')
    return html
  })()
  const css = readFileSync(join(root, 'public/static/style.css'), 'utf8')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1.0"><style>${css}</style></head>
<body><main class="app"><header class="bar"><h1>Agent chat</h1></header><honox-island>${await island}</honox-island></main></body></html>`
}

export interface StreamedFigures {
  intervalMs: number
  /** The floor: the same page, timers and test-driver calls with no view and no following; main-thread CPU µs per chunk, subtracted from the figures below. */
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
  /**
   * The browser floor, measured in the same runs: the same answer's text as plain paragraphs (one
   * per line, bench/page-text-view.ts), rendered as often as the renderer rendered and followed the
   * same way; main-thread CPU µs per chunk less the same floor. Only for the work tree's renderer.
   */
  textOnlyUs?: number
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

const HIGHLIGHT_MODULE_URL = 'http://127.0.0.1/app/client/highlight.ts'

/** A Worker's module of the tree at `root` (trees from before it: none), bundled as Vite bundles it for the page. */
async function workerScript(root: string, name: string): Promise<string | undefined> {
  const entry = join(root, 'app/client', name)
  if (!existsSync(entry)) return undefined
  const out = await build({ entryPoints: [entry], nodePaths: [join(ROOT, 'node_modules')], bundle: true, format: 'esm', target: 'es2022', write: false, logLevel: 'silent' })
  return out.outputFiles[0].text
}

/** The renderer of the tree at `root` (the work tree, or an older commit's app/client) bundled for the page. */
export async function rendererScript(root: string = ROOT): Promise<string> {
  const out = await build({
    stdin: {
      contents:
        `import { MarkdownView } from './app/client/render-markdown'; globalThis.MarkdownView = MarkdownView; globalThis.renderNow = (render) => render();` +
        // The page's scroll following, where the tree has it (older trees: the harness stands in, see streamRun).
        (existsSync(join(root, 'app/client/scroll-follow.ts')) ? `import { ScrollFollower } from './app/client/scroll-follow'; globalThis.ScrollFollower = ScrollFollower;` : ''),
      resolveDir: root,
      loader: 'ts',
    },
    // An older commit's tree (in a temporary folder) resolves its packages from the work tree's.
    nodePaths: [join(ROOT, 'node_modules')],
    bundle: true,
    // highlight.ts leaves the highlighter out of the Worker's build through this flag (Vite sets it).
    // import.meta.url: where highlight.ts would be served, so its highlighting Worker's URL
    // (highlight-worker.ts beside it) is one the bench page serves (withPage), as Vite serves it on the page.
    define: { 'import.meta.env.SSR': 'false', 'import.meta.url': JSON.stringify(HIGHLIGHT_MODULE_URL) },
    format: 'iife',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  return out.outputFiles[0].text
}

/** The browser floor's text view (bench/page-text-view.ts) bundled for the page. */
export async function textViewScript(): Promise<string> {
  const out = await build({
    stdin: { contents: `import { TextView } from './bench/page-text-view'; globalThis.TextView = TextView;`, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
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
    const current = await measure(browser, config, log)
    const before: Array<PageFigures & { commit: string }> = []
    for (const commit of config.page.before ?? []) {
      // The older renderer's sources and stylesheet, as they were at that commit (git archive: no checkout needed).
      const tree = mkdtempSync(join(tmpdir(), 'page-before-'))
      try {
        const archive = execFileSync('git', ['archive', commit, 'app/client', 'public/static/style.css'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })
        execFileSync('tar', ['-x', '-C', tree], { input: archive })
        log(`page: the renderer of ${commit}`)
        before.push({ ...(await measure(browser, config, log, tree)), commit })
      } finally {
        rmSync(tree, { recursive: true, force: true })
      }
    }
    return before.length ? { ...current, before } : current
  } finally {
    await browser.close()
  }
}

/**
 * A page at http://127.0.0.1/bench holding chatPage(root) (with `extraCss`), and the highlighting
 * Worker's module beside it as Vite serves it, for `use` (bench/page-profile.ts uses it too).
 */
export async function withPage<T>(browser: Browser, root: string, use: (page: Page) => Promise<T>, extraCss = ''): Promise<T> {
  const page = await browser.newPage()
  const body = extraCss ? (await chatPage(root)).replace('</head>', `<style>${extraCss}</style></head>`) : await chatPage(root)
  try {
    const isolated = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
    // The page's Workers (highlighting, lexing), served beside the module that starts them.
    for (const name of ['highlight-worker.ts', 'markdown-worker.ts']) {
      const worker = await workerScript(root, name)
      if (!worker) continue
      await page.route(new URL(name, HIGHLIGHT_MODULE_URL).href, (route) =>
        route.fulfill({ status: 200, headers: { 'content-type': 'text/javascript', ...isolated }, body: worker }),
      )
    }
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
        body,
      }),
    )
    return await use(page)
  } finally {
    await page.close()
  }
}

const chunksOf = (config: BenchConfig) => chunked(markdownAnswer(config.page.bytes), config.page.chunks)

async function measure(browser: Browser, config: BenchConfig, log: (m: string) => void, root: string = ROOT): Promise<PageFigures> {
  const script = await rendererScript(root)
  return withPage(browser, root, async (page) => {
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
          // Lexed on the page (lexInWorker: false), so that each chunk's DOM is there when append returns.
          const view = new (globalThis as any).MarkdownView(root, { labels: { copy: 'Copy', copied: 'Copied', copyCode: 'Copy code' }, schedule: (globalThis as any).renderNow, lexInWorker: false })
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
    const tenths = await streamTenths(page, config, script, root === ROOT ? await textViewScript() : undefined)
    log(
      `page streamed: ${tenths.perChunkUs.toFixed(0)} µs per chunk (the floor, its own runs: ${tenths.floorUs.toFixed(0)}` +
        (tenths.textOnlyUs === undefined ? ')' : `; the text alone as paragraphs: ${tenths.textOnlyUs.toFixed(0)})`),
    )
    const streamed: StreamedFigures = {
      intervalMs: config.page.intervalMs,
      floorUs: tenths.floorUs,
      perChunkUs: tenths.perChunkUs,
      first10Us: tenths.first,
      last10Us: tenths.last,
      growth: tenths.last / tenths.first,
      chunksPerRender: tenths.chunksPerRender,
      ...(tenths.textOnlyUs !== undefined && { textOnlyUs: tenths.textOnlyUs }),
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
  /** Main-thread CPU µs per chunk less the floor's: the whole answer (its end included), its first and its last tenth (medians of the runs). */
  perChunkUs: number
  first: number
  last: number
  /** The floor's own µs per chunk (median of its runs). */
  floorUs: number
  chunksPerRender: number
  /** The text alone as paragraphs (see StreamedFigures.textOnlyUs), less the floor; where it was measured. */
  textOnlyUs?: number
}

/**
 * The streamed figures: `runs` pairs of runs, the floor (the same timers and page, no view) right
 * before the renderer, so that both see the same load of a shared machine; each tenth's cost is the
 * renderer's less its floor's.
 */
async function streamTenths(page: Page, config: BenchConfig, script: string, textScript?: string): Promise<Tenths> {
  const n = chunksOf(config).length
  type Run = Awaited<ReturnType<typeof streamRun>>
  const pairs: { floor: Run; page: Run; text?: Run }[] = []
  for (let r = 0; r < config.page.runs; r++) {
    const floor = await streamRun(page, config, undefined)
    const rendered = await streamRun(page, config, script)
    // The text alone, rendered as often as the renderer just was (its mean interval between renders).
    const every = (n * config.page.intervalMs) / Math.max(1, rendered.renders)
    pairs.push({ floor, page: rendered, text: textScript ? await streamRun(page, config, script, { script: textScript, intervalMs: every }) : undefined })
  }
  const less = (pick: (tenths: number[]) => number) => median(pairs.map((p) => pick(p.page.tenths) - pick(p.floor.tenths)))
  const renders = median(pairs.map((p) => p.page.renders))
  return {
    perChunkUs: median(pairs.map((p) => (p.page.totalUs - p.floor.totalUs) / n)),
    first: less((t) => t[0]),
    last: less((t) => t[t.length - 1]),
    floorUs: median(pairs.map((p) => p.floor.totalUs / n)),
    chunksPerRender: renders > 0 ? n / renders : 1,
    ...(textScript && { textOnlyUs: median(pairs.map((p) => (p.text!.totalUs - p.floor.totalUs) / n)) }),
  }
}

/**
 * One run: the answer's chunks from timers `intervalMs` apart (scheduled a tenth at a time, all at
 * once, so Chromium does not clamp nested timeouts), into a view made as the page makes it (its
 * default scheduling), with the page's ScrollFollower (app/client/scroll-follow.ts) told of each
 * chunk as ChatController tells it; a tree without one gets a stand-in that scrolls to the bottom
 * once per frame. Without a `script`, no view and no following: the floor, the test driver's own
 * timers and calls. Each tenth's main-thread CPU time (CDP Performance.getMetrics ThreadTime) is
 * read before and after it; a tenth ends two frames after its last chunk. The view's end() (and the
 * highlighting it starts) is a window of its own after the last tenth: in the whole answer's cost,
 * not in the tenths compared for growth.
 */
async function streamRun(
  page: Page,
  config: BenchConfig,
  script: string | undefined,
  /** In place of the renderer, the text alone as paragraphs (bench/page-text-view.ts), rendered every `intervalMs` at most; `script` still brings the ScrollFollower. */
  text?: { script: string; intervalMs: number },
): Promise<{ tenths: number[]; totalUs: number; renders: number }> {
  const chunks = chunksOf(config)
  const n = chunks.length
  await page.goto('http://127.0.0.1/bench')
  if (script) await page.addScriptTag({ content: script })
  if (text) await page.addScriptTag({ content: text.script })
  const cdp = await page.context().newCDPSession(page)
  try {
    await cdp.send('Performance.enable')
    const threadSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime')!.value
    await page.evaluate(([chunks, textInterval]) => {
      const g = globalThis as any
      const labels = { copy: 'Copy', copied: 'Copied', copyCode: 'Copy code' }
      const follower = g.ScrollFollower
        ? new g.ScrollFollower(window, document.querySelector('button.jump'))
        : g.MarkdownView && {
            frame: 0,
            contentChanged() {
              this.frame ||= requestAnimationFrame(() => {
                this.frame = 0
                scrollTo({ top: document.documentElement.scrollHeight, behavior: 'instant' })
              })
            },
          }
      const answer = document.querySelector('.answer')
      const view = textInterval ? new g.TextView(answer, textInterval) : g.MarkdownView ? new g.MarkdownView(answer, { labels }) : undefined
      g.bench = { view, follower, chunks, renders: 0 }
      // Counts renders where the renderer has a render of its own (per-frame rendering); older ones render per append.
      if (typeof view?.flush === 'function') {
        const flush = view.flush
        view.flush = () => {
          g.bench.renders++
          return flush.call(view)
        }
      }
    }, [chunks, text?.intervalMs ?? 0] as const)
    // One reading at each tenth's end, the next tenth's start: no work falls between two windows
    // (a render waiting for its interval runs in whichever tenth it falls in).
    const readings = [await threadSeconds()]
    const counted: number[] = []
    for (let t = 0; t < 10; t++) {
      const from = Math.floor((n * t) / 10)
      const to = Math.floor((n * (t + 1)) / 10)
      if (to <= from) continue
      await page.evaluate(
        ([from, to, interval]) =>
          new Promise<void>((resolve) => {
            const { view, follower, chunks } = (globalThis as any).bench
            for (let i = from; i < to; i++) {
              setTimeout(() => {
                // What ChatController does with a text event: the answer grows, the follower is told.
                view?.append(chunks[i])
                follower?.contentChanged()
                if (i === to - 1) requestAnimationFrame(() => requestAnimationFrame(() => resolve()))
              }, (i - from) * interval)
            }
          }),
        [from, to, config.page.intervalMs] as const,
      )
      readings.push(await threadSeconds())
      counted.push(to - from)
    }
    // The answer's end (its done event): what is left rendered, its last code highlighted. Counted
    // in the answer's cost, apart from the tenths (it is paid once, not a sign of growth).
    await page.evaluate(async () => {
      const { view } = (globalThis as any).bench
      view?.end?.()
      await view?.settled?.()
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))
    })
    readings.push(await threadSeconds())
    const tenths = counted.map((chunks, t) => ((readings[t + 1] - readings[t]) * 1e6) / chunks)
    const totalUs = (readings[readings.length - 1] - readings[0]) * 1e6
    const renders = await page.evaluate(() => (globalThis as any).bench.renders)
    return { tenths, totalUs, renders }
  } finally {
    await cdp.detach().catch(() => {})
  }
}
