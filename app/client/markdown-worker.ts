import { TailLexer } from './markdown-lexer'

/**
 * The lexing Worker (started by lex-worker.ts): marked's lexing of each streamed answer's open tail
 * runs here, off the page's main thread; the page builds the tokens it sends back into DOM nodes.
 * Message in: { view, id, text } (the answer `view`'s new text), { view, id, text, end: true } (the
 * answer's last text: every block final, its tail let go) or { view, id, drop: true } (the answer
 * ended and the page lexed its end itself, or the page dropped it unfinished, lex-worker.ts drop); out: { view, id, lexed } (markdown-lexer.ts Lexed;
 * nothing lexed for a drop), or { view, id, error } when lexing threw. Each answer on the page has
 * its own tail here.
 */
export interface LexRequest {
  view: number
  id: number
  text: string
  end?: boolean
  drop?: boolean
}

const tails = new Map<number, TailLexer>()
const scope = self as unknown as { onmessage: ((e: MessageEvent<LexRequest>) => void) | null; postMessage(message: unknown): void }
scope.onmessage = ({ data: { view, id, text, end, drop } }) => {
  if (drop) {
    tails.delete(view)
    return scope.postMessage({ view, id, lexed: { frozen: [], open: [], frozenLength: 0 } })
  }
  let tail = tails.get(view)
  if (!tail) tails.set(view, (tail = new TailLexer()))
  try {
    const lexed = tail.push(text, end)
    if (end) tails.delete(view)
    scope.postMessage({ view, id, lexed })
  } catch (error) {
    tails.delete(view)
    scope.postMessage({ view, id, error: String(error) })
  }
}
