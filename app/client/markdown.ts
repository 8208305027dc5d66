/**
 * A small markdown subset for streamed answers: paragraphs, headings, lists, fenced code, inline
 * code and bold. Pure functions (no DOM) so they are testable anywhere; render-markdown.ts turns the
 * blocks into DOM nodes.
 *
 * Hand-written because the answer arrives in pieces and must render incrementally: markdown
 * libraries parse a whole document into an HTML string (which we never insert) and re-parse it all
 * on every chunk. Here a finished block is parsed once and frozen; only the open tail is re-parsed.
 */

export type Inline = { kind: 'text' | 'code' | 'strong'; text: string }
export type Block =
  | { kind: 'p'; lines: Inline[][] }
  | { kind: 'h'; level: number; inline: Inline[] }
  | { kind: 'ul' | 'ol'; items: Inline[][] }
  | { kind: 'code'; lang: string; text: string }

const FENCE = /^\s{0,3}(```|~~~)\s*([\w+-]*)/
const HEADING = /^\s{0,3}(#{1,6})\s+(.*)$/
const BULLET = /^\s{0,3}[-*+]\s+(.*)$/
const ORDERED = /^\s{0,3}\d{1,9}[.)]\s+(.*)$/

/**
 * Splits the not-yet-frozen source into finished blocks and the open rest. A block ends at a blank
 * line, a heading at its line end, a fence at its closing line; blank lines inside a fence belong to
 * it. Only complete lines (ending in \n) are judged, so a block is never frozen too early.
 */
export function takeFinished(source: string): { finished: string[]; rest: string } {
  const finished: string[] = []
  let start = 0
  let pos = 0
  let fence: string | undefined
  for (;;) {
    const nl = source.indexOf('\n', pos)
    if (nl < 0) break
    const line = source.slice(pos, nl)
    if (fence) {
      if (line.trim() === fence) {
        finished.push(source.slice(start, nl + 1))
        start = nl + 1
        fence = undefined
      }
    } else if (line.trim() === '') {
      if (pos > start) finished.push(source.slice(start, pos))
      start = nl + 1
    } else if (pos === start && FENCE.test(line)) {
      fence = FENCE.exec(line)![1]
    } else if (pos === start && HEADING.test(line)) {
      finished.push(source.slice(start, nl + 1))
      start = nl + 1
    }
    pos = nl + 1
  }
  return { finished, rest: source.slice(start) }
}

/** Parses one block's source (from takeFinished, or the open rest) into blocks. */
export function parseBlocks(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  const blocks: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const fence = FENCE.exec(line)
    if (fence) {
      const body: string[] = []
      for (i++; i < lines.length && lines[i].trim() !== fence[1]; i++) body.push(lines[i])
      blocks.push({ kind: 'code', lang: fence[2], text: body.join('\n') })
      continue
    }
    if (line.trim() === '') continue
    const heading = HEADING.exec(line)
    if (heading) {
      blocks.push({ kind: 'h', level: heading[1].length, inline: parseInline(heading[2]) })
      continue
    }
    const item = BULLET.exec(line) ?? ORDERED.exec(line)
    if (item) {
      const kind = BULLET.test(line) ? 'ul' : 'ol'
      const last = blocks.at(-1)
      if (last?.kind === kind) last.items.push(parseInline(item[1]))
      else blocks.push({ kind, items: [parseInline(item[1])] })
      continue
    }
    const last = blocks.at(-1)
    // A line right under a list item continues it; otherwise it continues the paragraph.
    if (last && (last.kind === 'ul' || last.kind === 'ol') && lines[i - 1]?.trim()) {
      last.items[last.items.length - 1].push({ kind: 'text', text: ' ' }, ...parseInline(line.trim()))
    } else if (last?.kind === 'p' && lines[i - 1]?.trim()) {
      last.lines.push(parseInline(line))
    } else {
      blocks.push({ kind: 'p', lines: [parseInline(line)] })
    }
  }
  return blocks
}

/** `code` and **bold**; everything else is text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = []
  for (const part of text.split(/(`[^`\n]+`|\*\*[^*\n]+\*\*)/)) {
    if (!part) continue
    if (part.length > 2 && part.startsWith('`') && part.endsWith('`')) out.push({ kind: 'code', text: part.slice(1, -1) })
    else if (part.length > 4 && part.startsWith('**') && part.endsWith('**')) out.push({ kind: 'strong', text: part.slice(2, -2) })
    else out.push({ kind: 'text', text: part })
  }
  return out
}
