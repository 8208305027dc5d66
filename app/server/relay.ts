export type RelayEnd = 'closed' | 'broken'

/**
 * The client's copy of the upstream body: `first` (our meta event), then the upstream's bytes,
 * pumped by workerd from the fetch body into an IdentityTransformStream with no JavaScript per chunk.
 *
 * Why: any JavaScript read or write per chunk — hono's stream(), a reader loop, a TransformStream —
 * costs workerd several times the CPU of the whole native proxy, most of it in V8 promises, the
 * streams bindings and GC (the figures: bench/profile.md, bench/experiments.md, `npm run bench`).
 *
 * The price: bytes are not looked at. The Lambda starts every stream with meta and ends it with done
 * (error + done when the agent fails or its time runs out). A stream cut below it (a crash, API
 * Gateway's cut) ends the client's stream without done — workerd tears the destination down when a
 * native pipe's source fails, so nothing can be appended — and clients report an end without done
 * as an interrupted answer. `ended` settles once: 'closed' after a clean end, 'broken' when either side
 * failed (the upstream broke, or the client went away).
 */
export function relay(first: Uint8Array, body: ReadableStream<Uint8Array>): { readable: ReadableStream<Uint8Array>; ended: Promise<RelayEnd> } {
  const { readable, writable } = passThrough()
  const ended = (async (): Promise<RelayEnd> => {
    const writer = writable.getWriter()
    try {
      await writer.write(first)
    } catch {
      await body.cancel().catch(() => {})
      return 'broken'
    }
    writer.releaseLock()
    try {
      await body.pipeTo(writable)
      return 'closed'
    } catch {
      return 'broken'
    }
  })()
  return { readable, ended }
}

/**
 * workerd's IdentityTransformStream is what lets pipeTo run natively. `vite` dev runs the app in Node
 * (bindings through wrangler's platform proxy), where a standard TransformStream does the same job.
 */
function passThrough(): { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> } {
  return typeof IdentityTransformStream === 'function' ? new IdentityTransformStream() : new TransformStream<Uint8Array, Uint8Array>()
}
