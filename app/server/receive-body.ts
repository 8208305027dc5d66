import { createMiddleware } from 'hono/factory'
import { HTTPException } from 'hono/http-exception'
import { errorResponse } from './errors'

/**
 * After a refusal that came before the whole body was read, at most this much more is read (and
 * dropped) so that a client still sending can finish and read the answer: Cloudflare's own request
 * body limit on the Free and Pro plans (100 MB), beyond which Cloudflare answers 413 before the
 * Worker runs. The deadline bounds the time it takes.
 */
export const DRAIN_LIMIT_BYTES = 100 * 1024 * 1024

/**
 * How the request body is received, ahead of hono's bodyLimit and the validator that read it.
 *
 * - A deadline: a body that has not fully arrived `c.var.config.bodyTimeoutMs` after this point is
 *   refused with 408 `request_timeout`, whichever middleware was reading it (a slow client holds
 *   nothing open for longer).
 * - A refusal before the body was read to its end (bodyLimit's 413 on a Content-Length or mid-stream,
 *   a 415) first reads the rest, up to `DRAIN_LIMIT_BYTES` and the same deadline: workerd resets a
 *   connection whose request body is left unread, and a client still sending then sees the reset
 *   instead of the answer (measured with a 4 MB chunked body: app/routes/api/invoke.wire.test.ts).
 *
 * Hand-written: hono's bodyLimit and timeout middleware bound the size and the handler's time, not
 * the time a body takes to arrive, and neither reads what they refused.
 */
export const receiveBody = createMiddleware(async (c, next) => {
  const source = c.req.raw.body
  if (!source) return next()
  const reader = source.getReader()
  let finished = false
  let timedOut = false
  const deadline = Date.now() + c.var.config.bodyTimeoutMs
  let fail: (err: unknown) => void = () => {}
  const timer = setTimeout(() => {
    if (finished) return
    timedOut = true
    // Whoever reads the body sees this error; app/routes/api/_error.tsx answers it as it is.
    fail(new HTTPException(408, { res: timeoutResponse() }))
    reader.cancel().catch(() => {})
  }, c.var.config.bodyTimeoutMs)

  // The body as later middleware read it: the same bytes, pulled one read at a time (highWaterMark 0),
  // so nothing is read ahead of them and the rest stays for the drain below.
  const guarded = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        fail = (err) => controller.error(err)
      },
      async pull(controller) {
        const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }))
        if (timedOut) return
        if (done) {
          finished = true
          clearTimeout(timer)
          controller.close()
        } else controller.enqueue(value)
      },
    },
    { highWaterMark: 0 },
  )
  // Built from its parts, not `new Request(raw, …)`: under `vite` dev the raw request is
  // @hono/node-server's stand-in, which Node's Request constructor does not take as input.
  const raw = c.req.raw
  c.req.raw = new Request(raw.url, { method: raw.method, headers: raw.headers, signal: raw.signal, body: guarded, duplex: 'half' } as RequestInit)
  try {
    await next()
  } finally {
    if (timedOut) {
      // Whatever the reader made of the cut body (a 400 from the validator, a 500 from bodyLimit), it is a timeout.
      c.res = timeoutResponse()
    } else if (!finished) {
      await drain(reader, deadline)
    }
    clearTimeout(timer)
  }
})

/** Reads and drops the rest of a body, within `DRAIN_LIMIT_BYTES` and `deadline`. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, deadline: number): Promise<void> {
  let read = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()))))
  try {
    while (read <= DRAIN_LIMIT_BYTES) {
      const next = await Promise.race([reader.read().catch(() => ({ done: true as const, value: undefined })), late])
      if (next === 'late' || next.done) break
      read += next.value.byteLength
    }
  } finally {
    clearTimeout(timer)
    await reader.cancel().catch(() => {})
  }
}

const timeoutResponse = () => errorResponse(408, 'request_timeout', 'The request body did not arrive in time.', { Connection: 'close' })
