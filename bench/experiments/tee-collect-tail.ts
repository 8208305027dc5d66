// tee: one branch piped natively, the other collected natively (Response.arrayBuffer) to check the tail at the end.
import { open, headers, meta, type Env } from './common'
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const up = await open(request, env)
    const [a, b] = up.body!.tee()
    const its = new IdentityTransformStream()
    const w = its.writable.getWriter()
    const tail = new Response(b).arrayBuffer()
    ctx.waitUntil((async () => {
      await w.write(meta()); w.releaseLock()
      let broken = false
      try { await a.pipeTo(its.writable, { preventClose: true }) } catch { broken = true }
      const t = await tail.catch(() => null)
      const w2 = its.writable.getWriter()
      const endsDone = t ? new TextDecoder().decode(new Uint8Array(t).subarray(-512)).includes('event: done') : false
      if (broken || !endsDone) await w2.write(new TextEncoder().encode('event: error\ndata: {}\n\n'))
      await w2.close()
    })())
    return new Response(its.readable, { headers })
  },
}
