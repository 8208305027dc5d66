// Native pipe with preventAbort, logging each stage: shows that nothing can be written after the source broke.
import { open, headers, meta, type Env } from './common'
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const up = await open(request, env)
    const its = new IdentityTransformStream()
    const w = its.writable.getWriter()
    ctx.waitUntil((async () => {
      await w.write(meta()); w.releaseLock()
      let broken = false
      console.log('pipe start')
      try { await up.body!.pipeTo(its.writable, { preventClose: true, preventAbort: true }) } catch (e) { broken = true; console.log('pipe rejected', String(e)) }
      console.log('pipe settled', broken)
      const w2 = its.writable.getWriter()
      console.log('writer got')
      if (broken) await w2.write(new TextEncoder().encode('event: error\ndata: {}\n\n'))
      console.log('trailer written')
      await w2.close()
      console.log('closed')
    })())
    return new Response(its.readable, { headers })
  },
}
