import { copyText, flashLabel } from './clipboard'
import { append } from './dom'
import { loadHighlighter } from './highlight'
import { tailLexing, type TailLexing } from './lex-worker'
import { TailLexer, type Lexed } from './markdown-lexer'
import { renderBlocks, type CodeLabels, type RenderContext } from './markdown-dom'
import { nearViewport, atOnce, type WhenNear } from './near-viewport'
import { patchNode } from './patch-dom'
import { frameSchedule, type Schedule } from './render-schedule'

const GROUP_BLOCKS = 32

export interface MarkdownViewOptions {
  labels: CodeLabels
  /** Highlight finished code blocks (loads the highlighter on the first code block). Default true. */
  highlight?: boolean
  /**
   * When a finished code block is highlighted: by default once it comes near the viewport of the
   * root's window (near-viewport.ts), at once where the browser cannot tell.
   */
  whenNear?: WhenNear
  /**
   * When appended text is rendered: `schedule(render, size)` must call `render` once, later or now;
   * `size()` is the number of characters that render will add. The default (render-schedule.ts) is an
   * animation frame of the root's window at most every 50 ms, so the chunks that arrive in between
   * are rendered once (a burst, such as a resumed answer's missed events, costs a render per
   * interval, not one per chunk), every 500 ms while text comes faster than a screen per 200 ms;
   * `(render) => render()` renders on every append. The DOM ends the same either way.
   */
  schedule?: Schedule
  /**
   * Lex the open tail in the page's lexing Worker (lex-worker.ts) where it runs: a render then sends
   * the new text and builds the DOM when the tokens come back (the schedule told what that cost).
   * Default true; false lexes on the page, each render complete when it returns.
   */
  lexInWorker?: boolean
}

/**
 * Renders a growing markdown answer into `root`, with DOM nodes only (createElement/textContent,
 * never innerHTML: model text is never HTML). Finished blocks are rendered once and frozen; each
 * render re-lexes and re-renders only the open tail, so the cost of a chunk does not grow with the
 * answer. The lexing runs in the page's lexing Worker where it can (lex-worker.ts; the page's main
 * thread then only builds the DOM from the tokens), else here. Code blocks are highlighted once
 * they are finished (never re-highlighted per chunk).
 */
export class MarkdownView {
  private source = ''
  /** Appended text not yet sent to the lexer (line ends already made LF). */
  private unrendered = ''
  private readonly tail: TailLexing
  /** The lexing Worker's answer to the last push, while it is awaited (the next push waits for it). */
  private lexing: Promise<number> | undefined
  private ended = false
  /** The end's blocks are in the DOM: a reply to an earlier push that comes later is stale. */
  private endApplied = false
  /** An end lexed in the Worker, until its blocks are in the DOM (see end). */
  private ending: Promise<void> | undefined
  /** The page dropped the answer unfinished (drop): nothing more is rendered or lexed for it. */
  private dropped = false
  private scheduled = false
  private readonly schedule: Schedule
  private carriageReturn = false
  /** The open blocks' nodes: the last children of the last group, after its frozen blocks (see place). */
  private open: Node[] = []
  private group: HTMLElement | undefined
  private groupBlocks = 0
  private readonly highlights: Array<Promise<unknown>> = []
  private readonly whenNear: WhenNear
  /** Stops waiting for the code blocks not yet near the viewport (see drop). */
  private readonly notNear = new Set<() => void>()
  /** Highlighted code that came back since the last render, written in the next (see highlight). */
  private readonly writes: Array<() => void> = []
  private readonly blockCtx: RenderContext
  private readonly highlighting: boolean
  private readonly openCtx: RenderContext

  constructor(
    private readonly root: HTMLElement,
    private readonly options: MarkdownViewOptions,
  ) {
    const doc = root.ownerDocument
    const win = doc.defaultView
    this.schedule = options.schedule ?? (win?.requestAnimationFrame ? frameSchedule(win) : (render) => render())
    this.tail = options.lexInWorker === false ? new TailLexer() : tailLexing()
    const highlight = options.highlight !== false
    this.highlighting = highlight
    this.whenNear = options.whenNear ?? (win ? nearViewport(win) : atOnce)
    // Frozen blocks are highlighted once placed (frozenNode), on the nodes that stay in the DOM.
    this.blockCtx = { doc, labels: options.labels }
    // An open code block starts loading the highlighter, so it is there when the block finishes.
    this.openCtx = { doc, labels: options.labels, onCode: highlight ? (_, lang) => lang && void loadHighlighter().catch(() => {}) : undefined }
    // One listener for every code block's copy button, frozen or open.
    root.addEventListener('click', (e) => {
      const button = (e.target as Element | null)?.closest?.('button.copy')
      const code = button?.closest('.code-block')?.querySelector('code')
      if (!button || !code) return
      void copyText(code.textContent ?? '').then((ok) => ok && flashLabel(button as HTMLElement, options.labels.copied))
    })
  }

  /** The answer's markdown source so far (for "copy as markdown"). */
  get markdown(): string {
    return this.source
  }

  append(chunk: string): void {
    if (!chunk || this.dropped) return
    this.source += chunk
    this.unrendered += this.newlines(chunk)
    if (this.unrendered) this.requestRender()
  }

  private requestRender(): void {
    if (this.scheduled) return
    this.scheduled = true
    this.schedule(() => this.flush(), () => this.unrendered.length)
  }

  /**
   * Renders what was appended since the last render (a scheduled render then finds nothing to do):
   * now, where the tail is lexed on the page; where the Worker lexes it, the text is sent and the
   * returned promise resolves, with the ms the DOM work took, once the tokens are rendered (while a
   * push is awaited, the new text waits for the render its answer asks for).
   */
  flush(): void | Promise<number> {
    this.scheduled = false
    if (this.dropped) return
    if (!this.unrendered || this.lexing) return this.write()
    const text = this.unrendered
    this.unrendered = ''
    const lexed = this.tail.push(text)
    if (!('then' in lexed)) return this.apply(lexed, false)
    const lexing = lexed
      .then((tokens) => {
        // A dropped answer changes no more; one whose end was rendered meanwhile is whole already (see
        // end); one whose end is still in the Worker needs this push's blocks first (the Worker answers in order).
        if (this.dropped || this.endApplied) return 0
        const start = performance.now()
        this.apply(tokens, false)
        return performance.now() - start
      })
      .finally(() => {
        this.lexing = undefined
        if (this.unrendered) this.requestRender()
      })
    this.lexing = lexing
    return lexing
  }

  /** Highlighting that came back since the last render: written with the render's own DOM changes, so laid out in the same frame. */
  private write(): void {
    for (const write of this.writes.splice(0)) write()
  }

  private apply({ frozen, open }: Lexed, end: boolean): void {
    this.write()
    this.place(renderBlocks(this.blockCtx, frozen), end ? [] : renderBlocks(this.openCtx, open))
  }

  /**
   * marked turns CR LF and CR into LF before lexing, which would make its tokens' raw text differ
   * from the source that splitFrozen cuts by offset: the view does it first, keeping a CR that ends a
   * chunk until the next chunk says whether an LF follows.
   */
  private newlines(chunk: string): string {
    let text = (this.carriageReturn ? '\r' : '') + chunk
    this.carriageReturn = text.endsWith('\r')
    if (this.carriageReturn) text = text.slice(0, -1)
    return text.replace(/\r\n?/g, '\n')
  }

  /**
   * The answer is complete: its last blocks are frozen too (and their code highlighted). A streamed
   * answer's end is lexed in the lexing Worker, its last blocks placed when the tokens are back
   * (settled() waits for them, and so does the promise returned here); an answer that never reached
   * the Worker (a reopened one, or lexed on the page) is lexed at once, whole in the DOM when this
   * returns (lex-worker.ts).
   */
  end(): void | Promise<void> {
    this.scheduled = false
    this.ended = true
    const text = this.unrendered + (this.carriageReturn ? '\n' : '')
    this.unrendered = ''
    this.carriageReturn = false
    const lexed = this.tail.finish(text)
    if (!('then' in lexed)) return this.applyEnd(lexed)
    this.ending = lexed.then((tokens) => this.applyEnd(tokens))
    return this.ending
  }

  private applyEnd(lexed: Lexed): void {
    this.endApplied = true
    this.apply(lexed, true)
  }

  /**
   * The page drops the answer unfinished (it opened another chat, the chat was deleted, the island
   * went away): the lexing Worker lets go of its open tail, which it would otherwise keep until the
   * page closes, and no render or reply still on its way changes the DOM. A no-op after end().
   */
  drop(): void {
    if (this.ended) return
    this.ended = this.dropped = true
    this.scheduled = false
    this.unrendered = ''
    this.writes.length = 0
    for (const stop of this.notNear) stop()
    this.notNear.clear()
    this.tail.drop()
  }

  /**
   * Resolves when the end's blocks are in the DOM and every highlight started so far has been applied
   * (a block not yet near the viewport has not started: see highlight).
   */
  async settled(): Promise<void> {
    // An end lexed in the Worker: its blocks (and the highlights they start) come first.
    await this.ending
    await Promise.all(this.highlights)
  }

  /**
   * Finished blocks go into groups of GROUP_BLOCKS, so the answer element keeps few children: the
   * browser lays out a changed container by walking its children, and with one child per block
   * that walk — and so each chunk's cost — grew with the answer (npm run bench, "The page": the last
   * quarter of a 100 KB answer cost ~2× the first). A group has no box of its own (no padding or
   * border), so the blocks' margins collapse through it and the answer looks the same.
   *
   * The open blocks sit in the last group after its frozen ones, and a block that freezes keeps the
   * nodes it had while open where they match (patch-dom.ts patchNode): they stay in place, so the
   * browser does not build and lay out the block a second time when it freezes (a node moved or
   * replaced gets new layout objects). Only where a group fills do the open nodes move to the next.
   */
  private place(frozen: readonly Node[], open: readonly Node[]): void {
    const old = this.open
    let i = 0
    const placed: Node[] = []
    const next = [...frozen, ...open]
    for (let k = 0; k < next.length; k++) {
      const isFrozen = k < frozen.length
      if (!this.group || (isFrozen && this.groupBlocks >= GROUP_BLOCKS)) {
        this.group = this.root.ownerDocument.createElement('div')
        this.group.className = 'md-done'
        append(this.root, this.group)
        this.groupBlocks = 0
      }
      const group = this.group
      const was = old[i++] as ChildNode | undefined
      let node: Node = next[k]
      if (was && patchNode(was, node)) {
        node = was
        // A group that filled: the kept open nodes go on in the next one (in order, so appended).
        if (was.parentNode !== group) group.appendChild(was)
      } else {
        if (was?.parentNode === group) group.insertBefore(node, was)
        else group.appendChild(node)
        was?.remove()
      }
      if (isFrozen) {
        this.groupBlocks++
        this.frozenNode(node)
      } else placed.push(node)
    }
    for (; i < old.length; i++) (old[i] as ChildNode).remove()
    this.open = placed
    // A first group left with nothing (the open blocks rendered nothing in the end).
    if (this.group && !this.group.firstChild) {
      this.group.remove()
      this.group = undefined
    }
  }

  /** A block just frozen: its code is highlighted (render-markdown's own hook, on the nodes kept in the DOM). */
  private frozenNode(node: Node): void {
    if (!this.highlighting || node.nodeType !== 1) return
    const el = node as Element
    const codes = el.matches('.code-block') ? el.querySelectorAll('code') : el.querySelectorAll('.code-block code')
    for (const code of codes) this.highlight(code as HTMLElement, (code as HTMLElement).dataset.lang ?? '')
  }

  /**
   * A finished code block is highlighted off the page's thread (highlight.ts), and its colours are
   * written in the view's next render rather than when they come back: written at once, they cost
   * the browser a frame of its own (style, layout, pre-paint, paint) a few ms after each render that
   * finished a block (npm run bench -- --only=page).
   */
  private highlight(code: HTMLElement, lang: string): void {
    if (!lang) return
    const write = (change: () => void) => {
      this.writes.push(change)
      this.requestRender()
    }
    // Only once the block is near the viewport (near-viewport.ts says why), which may be at once.
    let waiting: (() => void) | undefined
    let started = false
    const start = () => {
      started = true
      if (waiting) this.notNear.delete(waiting)
      this.highlights.push(
        loadHighlighter()
          .then((h) => h.highlightCode(code, lang, write))
          // Without the highlighter (a failed chunk load) the code stays plain text: still correct.
          .catch(() => false),
      )
    }
    const stop = this.whenNear(code, start)
    if (!started) this.notNear.add((waiting = stop))
  }
}
