import { append, insertBefore } from './dom'
import { parseBlocks, takeFinished, type Block, type Inline } from './markdown'

const GROUP_BLOCKS = 32

/**
 * Renders a growing markdown answer into `root`, with DOM nodes only (createElement/textContent,
 * never innerHTML: model text is never HTML). Finished blocks are rendered once and frozen; each
 * append re-renders only the open tail block, so the cost of a chunk does not grow with the answer.
 */
export class MarkdownView {
  private pending = ''
  private readonly open: HTMLElement
  private group: HTMLElement | undefined
  private groupBlocks = 0

  constructor(private readonly root: HTMLElement) {
    this.open = root.ownerDocument.createElement('div')
    this.open.className = 'md-open'
    append(root, this.open)
  }

  append(text: string): void {
    if (!text) return
    const { finished, rest } = takeFinished(this.pending + text)
    for (const block of finished) this.freeze(parseBlocks(block).map((b) => this.renderBlock(b)))
    this.pending = rest
    this.open.replaceChildren(...parseBlocks(rest).map((b) => this.renderBlock(b)))
  }

  /**
   * Finished blocks go into groups of GROUP_BLOCKS, so the answer element keeps few children: the
   * browser lays out a changed container by walking its children, and with one child per block
   * that walk — and so each chunk's cost — grew with the answer (npm run bench, "The page": the last
   * quarter of a 100 KB answer cost ~2× the first). A group has no box of its own (no padding or
   * border), so the blocks' margins collapse through it and the answer looks the same.
   */
  private freeze(nodes: HTMLElement[]): void {
    if (!this.group || this.groupBlocks >= GROUP_BLOCKS) {
      this.group = this.root.ownerDocument.createElement('div')
      this.group.className = 'md-done'
      insertBefore(this.open, this.group)
      this.groupBlocks = 0
    }
    append(this.group, ...nodes)
    this.groupBlocks++
  }

  private renderBlock(block: Block): HTMLElement {
    const doc = this.root.ownerDocument
    switch (block.kind) {
      case 'code': {
        const pre = doc.createElement('pre')
        const code = doc.createElement('code')
        if (block.lang) code.dataset.lang = block.lang
        code.textContent = block.text
        append(pre, code)
        return pre
      }
      case 'h': {
        // Headings inside an answer sit below the page's own h1/h2.
        const h = doc.createElement(`h${Math.min(6, block.level + 2)}`)
        append(h, ...this.renderInline(block.inline))
        return h
      }
      case 'ul':
      case 'ol': {
        const list = doc.createElement(block.kind)
        for (const item of block.items) {
          const li = doc.createElement('li')
          append(li, ...this.renderInline(item))
          append(list, li)
        }
        return list
      }
      case 'p': {
        const p = doc.createElement('p')
        block.lines.forEach((line, i) => {
          if (i > 0) append(p, doc.createElement('br'))
          append(p, ...this.renderInline(line))
        })
        return p
      }
    }
  }

  private renderInline(inline: Inline[]): Node[] {
    const doc = this.root.ownerDocument
    return inline.map((part) => {
      if (part.kind === 'text') return doc.createTextNode(part.text)
      const el = doc.createElement(part.kind)
      el.textContent = part.text
      return el
    })
  }
}
