/**
 * append/before through the DOM's ParentNode/ChildNode types. The project type-checks the Worker and
 * the browser code in one program, and @cloudflare/workers-types' HTMLRewriter `Element` declares its
 * own append/before, which hide the DOM's on every element type (hence the casts).
 */
export function append(parent: Node, ...nodes: Array<Node | string>): void {
  ;(parent as unknown as ParentNode).append(...nodes)
}

export function insertBefore(ref: Node, ...nodes: Array<Node | string>): void {
  ;(ref as unknown as ChildNode).before(...nodes)
}
