import { append } from './dom'

/**
 * Highlighted code as DOM nodes: lowlight's syntax tree (spans with classes, and text) built into
 * `code` in place of its plain text. Apart from the highlighter (highlighter.ts) so that applying a
 * tree the highlighting Worker made (highlight.ts) does not load lowlight on the page's thread.
 */
export interface TreeText {
  type: 'text'
  value: string
}
export interface TreeElement {
  type: 'element'
  tagName: string
  properties: { className?: unknown }
  children: TreeNode[]
}
export type TreeNode = TreeText | TreeElement | { type: string }

export function applyTree(code: HTMLElement, children: readonly TreeNode[]): void {
  code.classList.add('hljs')
  code.replaceChildren(...children.map((node) => toDom(code.ownerDocument, node)))
}

/** lowlight's tree holds only spans with classes and text, so this small walk covers all of it. */
function toDom(doc: Document, node: TreeNode): Node {
  if (node.type === 'text') return doc.createTextNode((node as TreeText).value)
  if (node.type !== 'element') return doc.createTextNode('')
  const element = node as TreeElement
  const span = doc.createElement(element.tagName)
  const classes = element.properties.className
  if (Array.isArray(classes)) span.className = classes.join(' ')
  append(span, ...element.children.map((child) => toDom(doc, child)))
  return span
}
