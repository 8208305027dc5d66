// Native pipe: upstream body → IdentityTransformStream (pipeTo, no JS per chunk); meta written first, a marker after a break.
import { open, headers, meta, type Env } from './common'
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const up = await open(request, env)
    const its = new IdentityTransformStream()
    const w = its.writable.getWriter()
    ctx.waitUntil((async () => {
      await w.write(meta()); w.releaseLock()
      let broken = false
      try { await up.body!.pipeTo(its.writable, { preventClose: true }) } catch { broken = true }
      const w2 = its.writable.getWriter()
      if (broken) await w2.write(new TextEncoder().encode('event: error\ndata: {}\n\n'))
      await w2.close()
    })())
    return new Response(its.readable, { headers })
  },
}
