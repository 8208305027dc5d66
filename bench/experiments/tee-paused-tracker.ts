// tee: one branch piped natively, the other read with a BYOB reader after 25 ms pauses, only to see the tail.
import { open, headers, meta, type Env } from './common'
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const up = await open(request, env)
    const [a, b] = up.body!.tee()
    const its = new IdentityTransformStream()
    const w = its.writable.getWriter()
    const tail = (async () => {
      const r = b.getReader({ mode: 'byob' })
      let buf = new Uint8Array(65536)
      let last = new Uint8Array(0)
      try {
        for (;;) {
          const { done, value } = await r.read(buf)
          if (value && value.byteLength) { last = value.slice(Math.max(0, value.byteLength - 512)); buf = new Uint8Array(value.buffer) }
          if (done) return { ok: true, last }
          await new Promise((res) => setTimeout(res, 25))
        }
      } catch { return { ok: false, last } }
    })()
    ctx.waitUntil((async () => {
      await w.write(meta()); w.releaseLock()
      let broken = false
      try { await a.pipeTo(its.writable, { preventClose: true, preventAbort: true }) } catch { broken = true }
      const t = await tail
      const w2 = its.writable.getWriter()
      const endsDone = new TextDecoder().decode(t.last).includes('event: done')
      if (broken || !t.ok || !endsDone) await w2.write(new TextEncoder().encode('event: error\ndata: {}\n\n'))
      await w2.close()
    })())
    return new Response(its.readable, { headers })
  },
}
