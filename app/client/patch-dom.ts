/**
 * Brings `parent`'s children to match `next` (freshly rendered nodes) while keeping every existing
 * node that already matches: same element name and attributes are kept and their children patched
 * in turn, text nodes get only their new text. The open block of a streamed answer changes by a few
 * characters per chunk; replacing its whole subtree made the browser restyle every element again and
 * reshape every line of text (npm run bench -- --only=page, "one chunk per frame"), while a text node
 * that only grows at its end is laid out again reusing the shaping of what it held (Blink reshapes
 * only the changed range of a Text node whose data changed in place).
 *
 * Hand-written because the libraries that morph DOM (morphdom, idiomorph) take HTML or whole trees,
 * match by id and carry form-state rules this renderer never needs; this is the small part it does.
 * Nodes in `next` that are not used are dropped; the caller must not keep them.
 */
export function patchChildren(parent: Node, next: readonly Node[]): void {
  let old = parent.firstChild
  for (const node of next) {
    if (!old) {
      parent.appendChild(node)
      continue
    }
    const following: ChildNode | null = old.nextSibling
    if (!patchNode(old, node)) parent.replaceChild(node, old)
    old = following
  }
  while (old) {
    const following: ChildNode | null = old.nextSibling
    parent.removeChild(old)
    old = following
  }
}

/** Makes `old` equal `next` in place; false when it cannot (another kind of node). */
export function patchNode(old: Node, next: Node): boolean {
  if (old.nodeType !== next.nodeType) return false
  if (old.nodeType === 3 /* TEXT_NODE */) {
    const text = old as Text
    const data = (next as Text).data
    if (text.data === data) return true
    // Text that grows at its end (the usual chunk) is appended, so the rest is not shaped again.
    if (data.startsWith(text.data)) text.appendData(data.slice(text.data.length))
    else text.data = data
    return true
  }
  if (old.nodeType !== 1 /* ELEMENT_NODE */) return false
  const a = old as Element
  const b = next as Element
  if (a.tagName !== b.tagName || !sameAttributes(a, b)) return false
  patchChildren(a, [...b.childNodes])
  return true
}

function sameAttributes(a: Element, b: Element): boolean {
  if (a.attributes.length !== b.attributes.length) return false
  for (const attr of b.attributes) if (a.getAttribute(attr.name) !== attr.value) return false
  return true
}
