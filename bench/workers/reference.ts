/**
 * The reference route: the design this project started from — a HonoX route that re-streams the
 * upstream with hono/streaming's `stream()` + `stream.pipe(res.body)` and `Content-Encoding: Identity`
 * so Cloudflare does not buffer it for compression. Mounted on a bare Hono app, as HonoX mounts it.
 */
import { Hono } from 'hono'
import { stream } from 'hono/streaming'
import { createRoute } from 'honox/factory'

type Env = { Bindings: { UPSTREAM_URL: string; UPSTREAM_API_KEY: string } }

export const POST = createRoute(async (c) => {
  const { prompt } = await c.req.json<{ prompt: string }>()
  const res = await fetch(c.env.UPSTREAM_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': c.env.UPSTREAM_API_KEY ?? '' },
    body: JSON.stringify({ prompt }),
  })
  c.header('Content-Type', 'text/event-stream')
  c.header('Cache-Control', 'no-cache')
  c.header('Content-Encoding', 'Identity')
  return stream(c, async (s) => {
    await s.pipe(res.body!)
  })
})

const app = new Hono<Env>()
app.post('/api/invoke', ...POST)

export default app
