import { applyTree, type TreeNode } from './highlight-dom'
import type { HighlightRequest } from './highlight-worker'

/**
 * Highlights finished code blocks. lowlight's work runs in a module Worker (highlight-worker.ts) so
 * it takes no time from the page's main thread while an answer streams (npm run bench --
 * --only=page: highlighting on the page cost ~40 µs per chunk of a 100 KB answer with code); the
 * page builds the returned tree into DOM nodes when it arrives, so a block shows plain and takes its
 * colours a moment later. Where Workers are unavailable or the Worker fails to load, the highlighter
 * (highlighter.ts, its own chunk) runs on the page. Either is loaded the first time an answer shows
 * a code block, so a page whose answers hold no code never downloads it.
 */
export interface Highlighter {
  /**
   * Resolves to whether `code` was highlighted (unknown languages stay plain), once the highlighted
   * nodes are in `code`. `write` says when they go in: it is handed the change and must make it, now
   * or later (render-markdown.ts makes it in its next render, so that a block's colours cost no frame
   * of their own); by default, at once.
   */
  highlightCode(code: HTMLElement, lang: string, write?: Write): Promise<boolean>
}

export type Write = (change: () => void) => void

const atOnce: Write = (change) => change()

/** Writes `tree` into `code` through `write`; resolves when it is written. */
function writeTree(code: HTMLElement, tree: TreeNode[], write: Write): Promise<boolean> {
  return new Promise((resolve, reject) =>
    write(() => {
      try {
        applyTree(code, tree)
        resolve(true)
      } catch (error) {
        reject(error)
      }
    }),
  )
}

let loading: Promise<Highlighter> | undefined

export function loadHighlighter(): Promise<Highlighter> {
  // The Worker's build renders the island's markup only and never highlights: without this branch
  // (removed from that build as dead code) Vite would inline the whole highlighter into dist/index.js.
  if (import.meta.env.SSR) return Promise.reject(new Error('no highlighting on the server'))
  loading ??= Promise.resolve(workerHighlighter() ?? pageHighlighter())
  return loading
}

function pageHighlighter(): Promise<Highlighter> {
  return import('./highlighter').then((h) => ({
    highlightCode: async (code, lang, write = atOnce) => {
      const tree = h.highlightTree(lang, code.textContent ?? '')
      return tree ? writeTree(code, tree, write) : false
    },
  }))
}

function workerHighlighter(): Highlighter | undefined {
  if (typeof Worker === 'undefined') return undefined
  let worker: Worker
  try {
    // Written out in full for Vite, which bundles the Worker's module from this expression.
    worker = new Worker(new URL('./highlight-worker.ts', import.meta.url), { type: 'module' })
  } catch {
    return undefined
  }
  const waiting = new Map<number, { code: HTMLElement; lang: string; write: Write; done: (highlighted: Promise<boolean>) => void }>()
  let nextId = 0
  let fallback: Promise<Highlighter> | undefined
  const onPage = (code: HTMLElement, lang: string, write: Write) => (fallback ??= pageHighlighter()).then((h) => h.highlightCode(code, lang, write))
  // The Worker could not load (a blocked or failed chunk): every block waiting, and every later one, is highlighted on the page.
  worker.addEventListener('error', () => {
    worker.terminate()
    fallback ??= pageHighlighter()
    for (const { code, lang, write, done } of waiting.values()) done(onPage(code, lang, write))
    waiting.clear()
  })
  worker.addEventListener('message', ({ data }: MessageEvent<{ id: number; tree?: TreeNode[] }>) => {
    const job = waiting.get(data.id)
    if (!job) return
    waiting.delete(data.id)
    job.done(data.tree ? writeTree(job.code, data.tree, job.write) : Promise.resolve(false))
  })
  return {
    highlightCode(code, lang, write = atOnce) {
      if (fallback) return onPage(code, lang, write)
      return new Promise<boolean>((resolve, reject) => {
        const id = nextId++
        waiting.set(id, { code, lang, write, done: (highlighted) => highlighted.then(resolve, reject) })
        worker.postMessage({ id, lang, text: code.textContent ?? '' } satisfies HighlightRequest)
      })
    },
  }
}
