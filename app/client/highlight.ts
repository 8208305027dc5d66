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
  /** Resolves to whether `code` was highlighted (unknown languages stay plain). */
  highlightCode(code: HTMLElement, lang: string): Promise<boolean>
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
    highlightCode: async (code, lang) => {
      const tree = h.highlightTree(lang, code.textContent ?? '')
      if (tree) applyTree(code, tree)
      return !!tree
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
  const waiting = new Map<number, { code: HTMLElement; lang: string; done: (highlighted: Promise<boolean>) => void }>()
  let nextId = 0
  let fallback: Promise<Highlighter> | undefined
  const onPage = (code: HTMLElement, lang: string) => (fallback ??= pageHighlighter()).then((h) => h.highlightCode(code, lang))
  // The Worker could not load (a blocked or failed chunk): every block waiting, and every later one, is highlighted on the page.
  worker.addEventListener('error', () => {
    worker.terminate()
    fallback ??= pageHighlighter()
    for (const { code, lang, done } of waiting.values()) done(onPage(code, lang))
    waiting.clear()
  })
  worker.addEventListener('message', ({ data }: MessageEvent<{ id: number; tree?: TreeNode[] }>) => {
    const job = waiting.get(data.id)
    if (!job) return
    waiting.delete(data.id)
    if (data.tree) applyTree(job.code, data.tree)
    job.done(Promise.resolve(!!data.tree))
  })
  return {
    highlightCode(code, lang) {
      if (fallback) return onPage(code, lang)
      return new Promise<boolean>((resolve, reject) => {
        const id = nextId++
        waiting.set(id, { code, lang, done: (highlighted) => highlighted.then(resolve, reject) })
        worker.postMessage({ id, lang, text: code.textContent ?? '' } satisfies HighlightRequest)
      })
    },
  }
}
