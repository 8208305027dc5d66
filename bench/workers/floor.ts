/**
 * The floor: the least a Worker can do to proxy the stream — forward the request and hand back the
 * upstream body untouched. Anything the real route costs is measured against this.
 */
interface Env {
  UPSTREAM_URL: string
  UPSTREAM_API_KEY: string
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const upstream = await fetch(env.UPSTREAM_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': env.UPSTREAM_API_KEY },
      body: await request.text(),
    })
    return new Response(upstream.body, { status: upstream.status, headers: { 'content-type': 'text/event-stream' } })
  },
}
