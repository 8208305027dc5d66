import type { Token } from 'marked'
import { collectLinks, splitFrozen, type Links } from './markdown'

/** One lexing step of a streamed answer: the blocks final from now on, and the open ones after them. */
export interface Lexed {
  frozen: Token[]
  open: Token[]
  /** How much of the text (the open tail so far and the new text) the frozen blocks took. */
  frozenLength: number
}

/**
 * The open tail of a streamed answer and the reference definitions of its frozen blocks (markdown.ts
 * splitFrozen): each push lexes the tail with the new text and says which blocks are final. The same
 * steps run on the page (render-markdown.ts, where Workers are unavailable) and in the lexing Worker
 * (markdown-worker.ts), so both give the same tokens.
 */
export class TailLexer {
  constructor(
    private pending = '',
    private readonly links: Links = {},
  ) {}

  /** Lexes the tail with `text` (line ends already LF); `end`: the answer is complete, every block is final. */
  push(text: string, end = false): Lexed {
    const source = this.pending + text
    if (end) {
      this.pending = ''
      return { frozen: source ? splitFrozen(source, this.links).tokens : [], open: [], frozenLength: source.length }
    }
    const split = splitFrozen(source, this.links)
    collectLinks(split.frozen, this.links)
    this.pending = source.slice(split.frozenSource.length)
    return { frozen: split.frozen, open: split.tokens.slice(split.frozen.length), frozenLength: split.frozenSource.length }
  }

  /** The answer is complete with `text`: every block is final. */
  finish(text: string): Lexed {
    return this.push(text, true)
  }

  /** The answer was dropped unfinished: its tail is let go. */
  drop(): void {
    this.pending = ''
  }
}
