/**
 * Loads the highlighter (highlighter.ts, its own chunk) the first time an answer shows a code block,
 * so a page whose answers hold no code never downloads it.
 */
type Highlighter = typeof import('./highlighter')

let loading: Promise<Highlighter> | undefined

export function loadHighlighter(): Promise<Highlighter> {
  // The Worker's build renders the island's markup only and never highlights: without this branch
  // (removed from that build as dead code) Vite would inline the whole highlighter into dist/index.js.
  if (import.meta.env.SSR) return Promise.reject(new Error('no highlighting on the server'))
  loading ??= import('./highlighter')
  return loading
}
