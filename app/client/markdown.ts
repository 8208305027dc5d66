import { Lexer, type MarkedOptions, type Token, type TokensList } from 'marked'

/**
 * Markdown for streamed answers, parsed by marked's lexer (GFM: tables, strikethrough, autolinks;
 * a single newline is a line break, as chat answers are written). This module is pure (no DOM), so
 * it runs and is tested anywhere; markdown-dom.ts turns the tokens into DOM nodes.
 *
 * marked parses a whole document at a time. To keep the cost of a chunk flat while an answer grows,
 * `splitFrozen` decides which leading blocks of the not-yet-frozen source can no longer change, so
 * they are rendered once and never parsed again; only the open tail is re-lexed on each chunk.
 */
export const MARKED_OPTIONS: MarkedOptions = { gfm: true, breaks: true }

export type Links = TokensList['links']

export interface Split {
  /** Top-level tokens that no later text can change (space tokens included, to keep offsets). */
  frozen: Token[]
  /** The source of the frozen tokens, a prefix of the input. */
  frozenSource: string
  /** Every token of the input (the frozen ones first): the open ones are rendered from here. */
  tokens: Token[]
}

/**
 * Lexes `source` (the open part of an answer) and says which leading tokens are final. A block is
 * final once a later non-space block has begun on a line that is complete (ends in \n): a block
 * ends only where another begins, and a begun block's first line, once complete, cannot turn back
 * into a continuation of the one before (a partial line can: "```" may still become "```x`", inline
 * code, continuing a paragraph). A list or quote followed only by blank lines stays open, since the
 * next line may continue it.
 *
 * `links` carries the reference definitions (`[id]: url`) of frozen blocks (see collectLinks) into
 * later lexing. A reference used before its definition resolves only if both are still open when
 * the definition arrives (a frozen block is never re-rendered); models rarely write either.
 */
export function splitFrozen(source: string, links: Links = {}): Split {
  const lexer = new Lexer(MARKED_OPTIONS)
  Object.assign(lexer.tokens.links, links)
  const tokens: Token[] = lexer.lex(source)
  const complete = source.lastIndexOf('\n') + 1
  let offset = 0
  let cut = 0
  let cutOffset = 0
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]
    if (token.type !== 'space' && offset < complete && i > 0) {
      cut = i
      cutOffset = offset
    }
    offset += token.raw.length
    // A blank line ends these blocks for good (it does not end a list, a quote's lazy lines or an
    // indented code block), so they freeze before the next block begins. The blank line must be
    // complete: spaces after it may be the indent of the next line.
    if (token.type === 'space' && i > 0 && offset <= complete && endsAtBlankLine(tokens[i - 1])) {
      cut = i + 1
      cutOffset = offset
    }
  }
  // The tokens' raw texts add up to the source (marked consumes it by raw length). If they ever did
  // not, freezing by offset would lose or repeat text: freeze nothing and keep re-lexing instead.
  if (offset !== source.length) {
    return { frozen: [], frozenSource: '', tokens }
  }
  return { frozen: tokens.slice(0, cut), frozenSource: source.slice(0, cutOffset), tokens }
}

function endsAtBlankLine(token: Token): boolean {
  switch (token.type) {
    case 'paragraph':
    case 'heading':
    case 'table':
    case 'hr':
      return true
    case 'code':
      return token.codeBlockStyle !== 'indented'
    default:
      return false
  }
}

/** Adds the reference definitions of frozen tokens to `links` (the first definition wins, as in CommonMark). */
export function collectLinks(frozen: readonly Token[], links: Links): void {
  for (const token of frozen) {
    if (token.type === 'def' && !(token.tag in links)) links[token.tag] = { href: token.href, title: token.title }
  }
}

/** The schemes a link may use: anything else (javascript:, data:, relative paths) renders as text. */
export function safeHref(href: string | null | undefined): string | undefined {
  if (!href) return undefined
  try {
    const url = new URL(href)
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : undefined
  } catch {
    return undefined
  }
}
