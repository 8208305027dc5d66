/**
 * Decodes the head of a streamed Lambda proxy response: a JSON metadata object ("prelude") followed by
 * 8 NUL bytes, then the raw payload (aws-lambda-ric `HttpResponseStream.from`; API Gateway docs,
 * response-transfer-mode-lambda.html: "API Gateway begins the payload stream after it receives the
 * valid metadata and delimiter from Lambda"; the metadata must arrive within the first 16 KB).
 *
 * Hand-written because no library parses this framing; it is a byte scan for the delimiter and one
 * JSON.parse.
 */

export const DELIMITER_LENGTH = 8
/** API Gateway reads the metadata from the first 16 KB of the stream. */
export const MAX_PRELUDE_BYTES = 16 * 1024

export interface Prelude {
  statusCode: number
  /** Every header the function set: `headers` and `multiValueHeaders` merged, names as given. */
  headers: Array<[name: string, value: string]>
  cookies: string[]
}

export type PreludeResult =
  | { ok: true; prelude: Prelude; rest: ReadableStream<Uint8Array> }
  /** `empty`: the stream ended before any byte; `incomplete`: it ended before the delimiter. */
  | { ok: false; reason: 'empty' | 'incomplete' | 'too_large' | 'malformed'; detail: string }

/**
 * Reads `body` until the delimiter and returns the parsed prelude and the payload that follows, as a
 * stream that yields the rest of the bytes as they arrive (cancelling it cancels `body`).
 */
export async function readPrelude(body: ReadableStream<Uint8Array>, maxBytes = MAX_PRELUDE_BYTES): Promise<PreludeResult> {
  const reader = body.getReader()
  let head: Uint8Array = new Uint8Array(0)
  let zeros = 0 // NUL bytes seen in a row at the end of `head`
  for (;;) {
    const { value, done } = await reader.read()
    if (done) {
      reader.releaseLock()
      return head.length === 0
        ? { ok: false, reason: 'empty', detail: 'the function ended without writing a response' }
        : { ok: false, reason: 'incomplete', detail: 'the response ended before the metadata delimiter' }
    }
    if (value.length === 0) continue
    const start = head.length
    head = concat(head, value)
    for (let i = start; i < head.length; i++) {
      zeros = head[i] === 0 ? zeros + 1 : 0
      if (zeros === DELIMITER_LENGTH) {
        const metaEnd = i + 1 - DELIMITER_LENGTH
        const parsed = parseMetadata(head.subarray(0, metaEnd))
        if (!parsed.ok) {
          await reader.cancel().catch(() => {})
          return { ok: false, reason: 'malformed', detail: parsed.detail }
        }
        return { ok: true, prelude: parsed.prelude, rest: restOf(head.slice(i + 1), reader) }
      }
    }
    if (head.length > maxBytes) {
      await reader.cancel().catch(() => {})
      return { ok: false, reason: 'too_large', detail: `no metadata delimiter in the first ${maxBytes} bytes` }
    }
  }
}

function parseMetadata(bytes: Uint8Array): { ok: true; prelude: Prelude } | { ok: false; detail: string } {
  let meta: unknown
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return { ok: false, detail: 'the metadata is not JSON' }
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return { ok: false, detail: 'the metadata is not a JSON object' }
  const m = meta as Record<string, unknown>
  // Lambda function URLs and API Gateway both default a missing status code to 200.
  const statusCode = m.statusCode === undefined ? 200 : m.statusCode
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    return { ok: false, detail: 'statusCode must be an integer from 100 to 599' }
  }
  const headers: Array<[string, string]> = []
  if (m.headers !== undefined && m.headers !== null) {
    if (!isRecord(m.headers)) return { ok: false, detail: 'headers must be an object' }
    for (const [k, v] of Object.entries(m.headers)) {
      if (!isScalar(v)) return { ok: false, detail: `header ${JSON.stringify(k)} must be a string, number or boolean` }
      headers.push([k, String(v)])
    }
  }
  if (m.multiValueHeaders !== undefined && m.multiValueHeaders !== null) {
    if (!isRecord(m.multiValueHeaders)) return { ok: false, detail: 'multiValueHeaders must be an object' }
    for (const [k, vs] of Object.entries(m.multiValueHeaders)) {
      if (!Array.isArray(vs) || !vs.every(isScalar)) return { ok: false, detail: `multiValueHeaders ${JSON.stringify(k)} must be an array` }
      // API Gateway merges both maps; a name in both keeps the multi-value list.
      const lower = k.toLowerCase()
      for (let i = headers.length - 1; i >= 0; i--) if (headers[i][0].toLowerCase() === lower) headers.splice(i, 1)
      for (const v of vs) headers.push([k, String(v)])
    }
  }
  let cookies: string[] = []
  if (m.cookies !== undefined && m.cookies !== null) {
    if (!Array.isArray(m.cookies) || !m.cookies.every((c) => typeof c === 'string')) return { ok: false, detail: 'cookies must be an array of strings' }
    cookies = m.cookies
  }
  return { ok: true, prelude: { statusCode, headers, cookies } }
}

function restOf(first: Uint8Array, reader: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  let pending: Uint8Array | undefined = first.length > 0 ? first : undefined
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (pending) {
        controller.enqueue(pending)
        pending = undefined
        return
      }
      try {
        const { value, done } = await reader.read()
        if (done) controller.close()
        else controller.enqueue(value)
      } catch (err) {
        controller.error(err)
      }
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  })
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}
