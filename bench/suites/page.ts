/**
 * The page's renderer (app/client/render-markdown.ts, the island's MarkdownView) in Chromium: a
 * 100 KB markdown answer arriving in 2,000 chunks. Per chunk: main-thread time of append + a forced
 * style/layout (offsetHeight), in a cross-origin-isolated page so performance.now() has 5 µs
 * resolution instead of 100 µs. The question is whether a chunk's cost grows with the answer so far:
 * median cost in the first vs. the last quarter, and the least-squares slope of cost over answer length.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Browser } from 'playwright-core'
import type { BenchConfig } from '../config'
import { chunked, markdownAnswer } from '../markdown-answer'
import { median, slope, summarize, type Summary } from '../stats'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The chat page's skeleton around one streaming answer (the markup app/islands/chat.tsx and
 * ChatController build) with the page's own stylesheet, so layout costs what it costs there.
 */
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><style>${readFileSync(`${ROOT}public/static/style.css`, 'utf8')}</style></head>
<body><div class="app"><header class="bar"><h1>Agent chat</h1></header><section class="chat"><ol class="log">
<li class="turn user"><div class="who">You</div><div class="body">Explain streaming.</div></li>
<li class="turn assistant streaming"><div class="who">Agent</div><div class="body answer"></div></li>
</ol><form class="composer"><textarea rows="3"></textarea><div class="actions"><button class="send">Send</button></div></form></section></div></body></html>`

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
  /** µs per chunk added per 10 KB of answer already rendered. */
  slopeUsPer10KB: number
  crossOriginIsolated: boolean
  chromium: string
  /** After the last chunk: ms until every finished code block is highlighted (the highlighter's share). */
  highlightMs?: number
  /** The same answer through the renderer of config.page.before. */
  before?: PageFigures & { commit: string }
}

/** The renderer of the tree at `root` (the work tree, or an older commit's app/client) bundled for the page. */
async function rendererScript(root: string = ROOT): Promise<string> {
  const out = await build({
    stdin: {
      contents: `import { MarkdownView } from './app/client/render-markdown'; globalThis.MarkdownView = MarkdownView`,
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
    const current = await measure(browser, config, log, await rendererScript())
    const commit = config.page.before
    if (!commit) return current
    // The older renderer's sources, as they were at that commit (git archive: no checkout needed).
    const tree = mkdtempSync(join(tmpdir(), 'page-before-'))
    try {
      const archive = execFileSync('git', ['archive', commit, 'app/client'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 })
      execFileSync('tar', ['-x', '-C', tree], { input: archive })
      log(`page: the renderer of ${commit}`)
      return { ...current, before: { ...(await measure(browser, config, log, await rendererScript(tree))), commit } }
    } finally {
      rmSync(tree, { recursive: true, force: true })
    }
  } finally {
    await browser.close()
  }
}

async function measure(browser: Browser, config: BenchConfig, log: (m: string) => void, script: string): Promise<PageFigures> {
  const text = markdownAnswer(config.page.bytes)
  const chunks = chunked(text, config.page.chunks)
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
    const runs: { layout: number[]; append: number[]; isolated: boolean; sizes: number[]; highlightMs?: number }[] = []
    for (let r = 0; r < config.page.runs; r++) {
      await page.goto('http://127.0.0.1/bench')
      await page.addScriptTag({ content: script })
      runs.push(
        await page.evaluate(async (chunks) => {
          const root = document.querySelector('.answer') as HTMLElement
          // Highlighting on, as on the page: a finished code block is highlighted once, off the chunk's path.
          const view = new (globalThis as any).MarkdownView(root, { labels: { copy: 'Copy', copied: 'Copied', copyCode: 'Copy code' } })
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
    // Per chunk index, the median over runs: one GC pause in one run does not make a trend.
    const n = chunks.length
    const perIndex = Array.from({ length: n }, (_, i) => median(runs.map((run) => run.layout[i])))
    const q = Math.max(1, Math.floor(n / 4))
    const first = median(perIndex.slice(0, q))
    const last = median(perIndex.slice(n - q))
    return {
      chunks: n,
      bytes: text.length,
      totalMs: summarize(runs.map((run) => run.layout.reduce((a, b) => a + b, 0) / 1000)),
      perChunkUs: summarize(perIndex),
      appendOnlyUs: summarize(Array.from({ length: n }, (_, i) => median(runs.map((run) => run.append[i])))),
      firstQuarterUs: first,
      lastQuarterUs: last,
      growth: last / first,
      slopeUsPer10KB: slope(
        runs[0].sizes.map((s) => s / 10_000),
        perIndex,
      ),
      crossOriginIsolated: runs.every((run) => run.isolated),
      chromium: browser.version(),
      ...(runs[0].highlightMs !== undefined && { highlightMs: median(runs.map((run) => run.highlightMs!)) }),
    }
  } finally {
    await page.close()
  }
}
