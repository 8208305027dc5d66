import type { MarkedToken, Token, Tokens } from 'marked'
import { append } from './dom'
import { safeHref } from './markdown'

/** Labels of the code block's copy button (from the page's strings, see app/i18n). */
export interface CodeLabels {
  copy: string
  copied: string
  copyCode: string
}

export interface RenderContext {
  doc: Document
  labels: CodeLabels
  /** Called for each code block rendered, with its <code> element (highlighting hooks in here). */
  onCode?: (code: HTMLElement, lang: string) => void
}

/**
 * Turns marked's tokens into DOM nodes with createElement and text nodes only: model output is
 * never parsed as HTML. Raw HTML in the answer (marked's `html` tokens) is shown as the text it is;
 * links keep only http, https and mailto targets and open with rel=noopener.
 */
export function renderBlocks(ctx: RenderContext, tokens: readonly Token[]): Node[] {
  const out: Node[] = []
  for (const token of tokens) {
    const node = renderBlock(ctx, token)
    if (node) out.push(node)
  }
  return out
}

function renderBlock(ctx: RenderContext, any: Token): Node | undefined {
  const { doc } = ctx
  // marked's Token type also admits extensions' tokens (Tokens.Generic); this project adds none.
  const token = any as MarkedToken
  const t = any as Tokens.Generic
  switch (token.type) {
    case 'space':
    case 'def':
      return undefined
    case 'heading':
      // Headings inside an answer sit below the page's own h1/h2.
      return el(doc, `h${Math.min(6, token.depth + 2)}`, renderInline(ctx, token.tokens))
    case 'paragraph':
      return el(doc, 'p', renderInline(ctx, token.tokens))
    case 'blockquote':
      return el(doc, 'blockquote', renderBlocks(ctx, token.tokens))
    case 'list':
      return renderList(ctx, token)
    case 'table':
      return renderTable(ctx, token)
    case 'hr':
      return doc.createElement('hr')
    case 'code':
      return renderCode(ctx, token.text, token.codeBlockStyle === 'indented' ? '' : (token.lang ?? '').trim().split(/\s+/)[0])
    case 'html': {
      // Raw HTML stays text, line breaks and all.
      const p = el(doc, 'p', [token.raw.replace(/\n+$/, '')])
      p.className = 'raw'
      return p
    }
    case 'text':
      // A block-level text token (inside a tight list item) holds inline tokens.
      return el(doc, 'p', t.tokens ? renderInline(ctx, t.tokens) : [t.text])
    default:
      return doc.createTextNode(t.raw)
  }
}

function renderList(ctx: RenderContext, list: Tokens.List): HTMLElement {
  const { doc } = ctx
  const root = doc.createElement(list.ordered ? 'ol' : 'ul')
  if (list.ordered && typeof list.start === 'number' && list.start !== 1) root.setAttribute('start', String(list.start))
  for (const item of list.items) {
    const li = doc.createElement('li')
    for (const token of item.tokens) {
      if (token.type === 'checkbox') {
        append(li, checkbox(doc, token.checked), ' ')
      } else if (token.type === 'text' && !item.loose) {
        // A tight item's text sits in the <li> itself, as marked's own renderer puts it.
        append(li, ...(token.tokens ? renderInline(ctx, token.tokens) : [token.text]))
      } else {
        const node = renderBlock(ctx, token)
        if (node) append(li, node)
      }
    }
    append(root, li)
  }
  return root
}

function renderTable(ctx: RenderContext, table: Tokens.Table): HTMLElement {
  const { doc } = ctx
  const row = (cells: Tokens.TableCell[], tag: 'th' | 'td') => {
    const tr = doc.createElement('tr')
    for (const cell of cells) {
      const c = el(doc, tag, renderInline(ctx, cell.tokens))
      if (cell.align) c.className = `align-${cell.align}`
      if (tag === 'th') c.setAttribute('scope', 'col')
      append(tr, c)
    }
    return tr
  }
  const thead = el(doc, 'thead', [row(table.header, 'th')])
  const tbody = el(doc, 'tbody', table.rows.map((r) => row(r, 'td')))
  // The wrapper scrolls a wide table sideways instead of widening the answer.
  const wrap = el(doc, 'div', [el(doc, 'table', [thead, ...(table.rows.length ? [tbody] : [])])])
  wrap.className = 'table-wrap'
  return wrap
}

function renderCode(ctx: RenderContext, text: string, lang: string): HTMLElement {
  const { doc, labels } = ctx
  const code = doc.createElement('code')
  if (lang) code.dataset.lang = lang
  code.textContent = text
  const head = doc.createElement('div')
  head.className = 'code-head'
  const name = el(doc, 'span', [lang])
  name.className = 'code-lang'
  const copy = el(doc, 'button', [labels.copy])
  copy.setAttribute('type', 'button')
  copy.className = 'copy'
  copy.setAttribute('aria-label', labels.copyCode)
  append(head, name, copy)
  const block = el(doc, 'div', [head, el(doc, 'pre', [code])])
  block.className = 'code-block'
  ctx.onCode?.(code, lang)
  return block
}

export function renderInline(ctx: RenderContext, tokens: readonly Token[] | undefined): Node[] {
  const { doc } = ctx
  const out: Node[] = []
  for (const any of tokens ?? []) {
    const token = any as MarkedToken
    const t = any as Tokens.Generic
    switch (token.type) {
      case 'text':
        out.push(...(t.tokens ? renderInline(ctx, t.tokens) : [doc.createTextNode(token.text)]))
        break
      case 'escape':
        out.push(doc.createTextNode(token.text))
        break
      case 'strong':
      case 'em':
      case 'del':
        out.push(el(doc, token.type, renderInline(ctx, token.tokens)))
        break
      case 'codespan':
        out.push(el(doc, 'code', [token.text]))
        break
      case 'br':
        out.push(doc.createElement('br'))
        break
      case 'link':
        out.push(link(ctx, token.href, token.title, renderInline(ctx, token.tokens)))
        break
      case 'image':
        // Images from model output are not loaded (a URL in an answer must not make the reader's
        // browser fetch anything): they show as a link named by the alt text.
        out.push(link(ctx, token.href, token.title, [token.text || token.href]))
        break
      case 'checkbox':
        out.push(checkbox(doc, token.checked))
        break
      default:
        // Inline HTML (`html`) and anything unknown: the source text, as text.
        out.push(doc.createTextNode(t.raw))
    }
  }
  return out
}

function link(ctx: RenderContext, href: string, title: string | null | undefined, children: Array<Node | string>): Node {
  const safe = safeHref(href)
  if (!safe) return el(ctx.doc, 'span', children)
  const a = el(ctx.doc, 'a', children)
  a.setAttribute('href', safe)
  a.setAttribute('rel', 'noopener noreferrer')
  a.setAttribute('target', '_blank')
  if (title) a.setAttribute('title', title)
  return a
}

/** A task list's box, as a character: a disabled <input> would be a form field with no label. */
function checkbox(doc: Document, checked: boolean | undefined): HTMLElement {
  const box = el(doc, 'span', [checked ? '☑' : '☐'])
  box.className = 'task'
  return box
}

function el(doc: Document, tag: string, children: Array<Node | string>): HTMLElement {
  const node = doc.createElement(tag)
  append(node, ...children)
  return node
}
