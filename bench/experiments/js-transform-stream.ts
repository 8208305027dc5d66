// JS per chunk: upstream body piped through a JS TransformStream that remembers the last chunk.
import { open, headers, meta, type Env } from './common'
export default {
  async fetch(request: Request, env: Env) {
    const up = await open(request, env)
    let last: Uint8Array | undefined
    const t = new TransformStream<Uint8Array, Uint8Array>({
      start(c) { c.enqueue(meta()) },
      transform(chunk, c) { last = chunk; c.enqueue(chunk) },
      flush(c) { if (!last) c.enqueue(new TextEncoder().encode('event: error\ndata: {}\n\n')) },
    })
    return new Response(up.body!.pipeThrough(t), { headers })
  },
}
