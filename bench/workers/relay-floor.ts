/**
 * The relay floor: the least a Worker can do and still learn that its client left mid-answer (which
 * the route must, to cancel the agent). The upstream body is piped natively into an
 * IdentityTransformStream whose readable is the response; the pipe's outcome is awaited in
 * waitUntil. Nothing is written, no JavaScript runs per chunk.
 *
 * Why the floor itself cannot see a disconnect: a body handed over as it is, `new Response(upstream.body)`,
 * is pumped by workerd after the handler has finished (a deferred proxy), and workerd fires
 * request.signal only when there is no deferred proxy (src/workerd/io/worker-entrypoint.c++,
 * WorkerEntrypoint::request). This variant pays for the second native pump that makes the pipe
 * observable; the project's route pays for it too.
 */
interface Env {
  UPSTREAM_URL: string
  UPSTREAM_API_KEY: string
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const upstream = await fetch(env.UPSTREAM_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': env.UPSTREAM_API_KEY },
      body: await request.text(),
    })
    const { readable, writable } = new IdentityTransformStream()
    ctx.waitUntil(upstream.body!.pipeTo(writable).catch(() => {}))
    return new Response(readable, { status: upstream.status, headers: { 'content-type': 'text/event-stream' } })
  },
}
