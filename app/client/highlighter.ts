import { common, createLowlight } from 'lowlight'
import { append } from './dom'

/**
 * Syntax highlighting for finished code blocks: lowlight (highlight.js's grammars, 37 common
 * languages) returns a syntax tree rather than an HTML string, so the result is built as DOM nodes
 * like the rest of the answer. This module is large and loaded on demand (see highlight.ts).
 */
const lowlight = createLowlight(common)

type Tree = ReturnType<typeof lowlight.highlight>
type TreeNode = Tree['children'][number]

/**
 * Replaces `code`'s text with highlighted spans of the same text. Unknown or missing languages stay
 * plain: guessing a language costs a pass per grammar and guesses wrong on short snippets.
 * Returns whether it highlighted.
 */
export function highlightCode(code: HTMLElement, lang: string): boolean {
  if (!lang || !lowlight.registered(lang)) return false
  const tree = lowlight.highlight(lang, code.textContent ?? '')
  code.classList.add('hljs')
  code.replaceChildren(...tree.children.map((node) => toDom(code.ownerDocument, node)))
  return true
}

/** lowlight's tree holds only spans with classes and text, so this small walk covers all of it. */
function toDom(doc: Document, node: TreeNode): Node {
  if (node.type === 'text') return doc.createTextNode(node.value)
  if (node.type !== 'element') return doc.createTextNode('')
  const span = doc.createElement(node.tagName)
  const classes = node.properties.className
  if (Array.isArray(classes)) span.className = classes.join(' ')
  append(span, ...node.children.map((child) => toDom(doc, child)))
  return span
}
