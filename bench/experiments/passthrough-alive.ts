// Passthrough kept alive: new Response(upstream.body) with a waitUntil that outlives the answer (is the extra cost the second pump, or the live IoContext?).
import { open, headers, type Env } from './common'
export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const up = await open(request, env)
    ctx.waitUntil(new Promise((r) => setTimeout(r, 1500)))
    return new Response(up.body, { headers })
  },
}
