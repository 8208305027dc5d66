import { highlightTree } from './highlighter'

/**
 * The highlighting Worker (started by highlight.ts): lowlight's work on a finished code block runs
 * here, off the page's main thread; the page only builds the tree it sends back into DOM nodes.
 * Message in: { id, lang, text }; out: { id, tree } (tree undefined: the language is not known).
 */
export interface HighlightRequest {
  id: number
  lang: string
  text: string
}

const scope = self as unknown as { onmessage: ((e: MessageEvent<HighlightRequest>) => void) | null; postMessage(message: unknown): void }
scope.onmessage = ({ data: { id, lang, text } }) => {
  let tree
  try {
    tree = highlightTree(lang, text)
  } catch {
    // A grammar that throws leaves the block plain, as on the page.
  }
  scope.postMessage({ id, tree })
}
