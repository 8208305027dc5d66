/**
 * What a Worker can learn when its client leaves mid-answer (bench/suites/disconnect.ts, `npm run bench -- --only=disconnect`).
 * `?via=passthrough` hands the upstream body to workerd as it is (the floor) and listens on
 * request.signal, kept alive by waitUntil; `?via=relay` pipes the body into an IdentityTransformStream
 * (the relay floor) and watches the pipe. Whichever learns of the disconnect says so upstream with a
 * cancel call, as the route does.
 */
interface Env {
  UPSTREAM_URL: string
  UPSTREAM_CANCEL_URL: string
  UPSTREAM_API_KEY: string
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const body = await request.text()
    const headers = { 'content-type': 'application/json', 'x-api-key': env.UPSTREAM_API_KEY }
    const cancel = () => fetch(env.UPSTREAM_CANCEL_URL, { method: 'POST', headers, body: JSON.stringify({ sessionId: JSON.parse(body).sessionId }) })
    const upstream = await fetch(env.UPSTREAM_URL, { method: 'POST', headers, body })
    const sse = { 'content-type': 'text/event-stream' }
    if (new URL(request.url).searchParams.get('via') === 'relay') {
      const { readable, writable } = new IdentityTransformStream()
      ctx.waitUntil(upstream.body!.pipeTo(writable).catch(cancel))
      return new Response(readable, { headers: sse })
    }
    request.signal.addEventListener('abort', () => ctx.waitUntil(cancel()))
    ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 5_000)))
    return new Response(upstream.body, { headers: sse })
  },
}
