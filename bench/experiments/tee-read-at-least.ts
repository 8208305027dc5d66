// tee: one branch piped natively, the other read with readAtLeast(4096) to see the tail.
import { open, headers, meta, type Env } from './common'
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const up = await open(request, env)
    const [a, b] = up.body!.tee()
    const its = new IdentityTransformStream()
    const w = its.writable.getWriter()
    const tail = (async () => {
      const r = b.getReader({ mode: 'byob' }) as any
      let buf = new Uint8Array(16384)
      let last = new Uint8Array(0)
      let reads = 0
      for (;;) {
        const { done, value } = await r.readAtLeast(4096, buf)
        reads++
        if (value && value.byteLength) last = value.slice(Math.max(0, value.byteLength - 512))
        if (done) break
        buf = new Uint8Array(value.buffer)
      }
      return { last, reads }
    })()
    ctx.waitUntil((async () => {
      await w.write(meta()); w.releaseLock()
      let broken = false
      try { await a.pipeTo(its.writable, { preventClose: true }) } catch { broken = true }
      const t = await tail.catch(() => null)
      const w2 = its.writable.getWriter()
      const endsDone = t ? new TextDecoder().decode(t.last).includes('event: done') : false
      if (broken || !endsDone) await w2.write(new TextEncoder().encode('event: error\ndata: {}\n\n'))
      await w2.close()
    })())
    return new Response(its.readable, { headers })
  },
}
