/**
 * The resumable-stream reference's server, run as its own Node process (so its CPU counters are its
 * own): Vercel's `resumable-stream` (npm) on a real Redis, the way its README wires a route handler,
 * in front of the bench's synthetic upstream.
 * - POST /api/invoke {prompt}: opens the upstream (the same request the Worker variants make) and
 *   returns its SSE text through `createNewResumableStream`; the stream's id is in `X-Stream-Id`.
 *   When the client leaves, the producer keeps reading the upstream (the library's design).
 * - GET /api/resume/<id>?skip=<characters>: `resumeExistingStream(id, skip)`: what the reader missed,
 *   then the live rest (404: no such stream, 422: already done, as the README's route answers).
 * Env: REDIS_URL (read by resumable-stream itself), UPSTREAM_URL, UPSTREAM_API_KEY. Prints
 * `{"port":…}` on stdout once listening.
 */
import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buffer } from 'node:stream/consumers'
import { createResumableStreamContext } from 'resumable-stream/redis'
import { SSE_HEADERS } from '../../protocol/events'

const upstreamUrl = process.env.UPSTREAM_URL!
const apiKey = process.env.UPSTREAM_API_KEY!
// A long-lived server, not a serverless function: nothing to keep alive (the README's `null`).
const streams = createResumableStreamContext({ waitUntil: null })

/** Writes `stream` to `res` until either ends; a client that leaves cancels only its own reader. */
async function pipe(stream: ReadableStream<string>, res: ServerResponse, headers: Record<string, string> = {}) {
  res.writeHead(200, { ...SSE_HEADERS, ...headers })
  res.flushHeaders()
  const reader = stream.getReader()
  res.on('close', () => void reader.cancel().catch(() => {}))
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }))
    if (done || res.destroyed) break
    res.write(value)
  }
  res.end()
}

const server = createServer({ noDelay: true, keepAliveTimeout: 30_000 }, async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', 'http://x')
    if (req.method === 'POST' && url.pathname === '/api/invoke') {
      const { prompt } = JSON.parse((await buffer(req)).toString())
      const up = await fetch(upstreamUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ prompt }) })
      if (!up.ok || !up.body) {
        res.writeHead(502).end(`upstream ${up.status}`)
        return
      }
      const id = crypto.randomUUID()
      const text = up.body.pipeThrough(new TextDecoderStream())
      const stream = await streams.createNewResumableStream(id, () => text)
      if (!stream) return void res.writeHead(409).end('stream exists')
      return await pipe(stream, res, { 'X-Stream-Id': id })
    }
    const resume = /^\/api\/resume\/([\w-]+)$/.exec(url.pathname)
    if (req.method === 'GET' && resume) {
      const stream = await streams.resumeExistingStream(resume[1], Number(url.searchParams.get('skip') ?? 0))
      if (stream === undefined) return void res.writeHead(404).end('no such stream')
      if (stream === null) return void res.writeHead(422).end('stream is already done')
      return await pipe(stream, res)
    }
    res.writeHead(404).end()
  } catch (e) {
    if (!res.headersSent) res.writeHead(500).end(String(e))
    else res.destroy()
  }
})

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`)
})
process.on('SIGTERM', () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
