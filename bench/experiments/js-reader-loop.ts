// JS per chunk: a reader loop writing each chunk into an IdentityTransformStream; an error event after a break.
import { open, headers, meta, type Env } from './common'
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const up = await open(request, env)
    const its = new IdentityTransformStream()
    const w = its.writable.getWriter()
    ctx.waitUntil(
      (async () => {
        await w.write(meta())
        const r = up.body!.getReader()
        try {
          for (;;) {
            const { done, value } = await r.read()
            if (done) break
            await w.write(value)
          }
        } catch {
          await w.write(new TextEncoder().encode('\n\nevent: error\ndata: {}\n\n'))
        }
        await w.close()
      })(),
    )
    return new Response(its.readable, { headers })
  },
}
