/**
 * The answer's bytes to a WebSocket connection: a Node Writable that the shared relay
 * (aws/lambda/invoke.ts, transport `raw`) writes its SSE events into, and that posts them to the
 * connection with PostToConnection, coalesced: bytes wait until `maxBytes` have gathered or `maxDelayMs`
 * has passed since the first of them, so a 1,000-chunk answer costs a few dozen calls, not 1,000
 * (each call is a billed message and a round trip; bench/websocket-coalescing.md has the trade).
 *
 * - One post at a time, in order (the connection is one ordered stream).
 * - No post is larger than MAX_POST_BYTES: API Gateway's WebSocket frame limit is 32 KB and its
 *   message limit 128 KB (AWS docs: apigateway/latest/developerguide/
 *   apigateway-execution-service-websocket-limits-table.html; a larger frame closes the connection
 *   with 1009). A bigger batch is split on UTF-8 character boundaries (text frames must be valid UTF-8).
 * - A post that fails (GoneException: the client left; anything else) destroys the stream with that
 *   error: the relay's `onGone` then stops the agent, as a broken response stream does on the HTTP paths.
 */
import { Writable } from 'node:stream'

/** API Gateway's WebSocket frame limit (32 KB); every post stays within it. */
export const MAX_POST_BYTES = 32 * 1024

export interface CoalescingOptions {
  /** Flush once this many bytes have gathered (capped at MAX_POST_BYTES). */
  maxBytes: number
  /** Flush this long after the first unsent byte arrived; 0 posts every write at once. */
  maxDelayMs: number
}

/** Sends one message to the connection; rejects when it could not (GoneException and others). */
export type PostMessage = (data: Uint8Array) => Promise<void>

export interface ConnectionWriter extends Writable {
  /** PostToConnection calls made so far. */
  readonly posts: number
  readonly bytesPosted: number
}

export function connectionWriter(post: PostMessage, options: CoalescingOptions): ConnectionWriter {
  const maxBytes = Math.max(1, Math.min(options.maxBytes, MAX_POST_BYTES))
  let pending: Buffer[] = []
  let pendingBytes = 0
  let timer: NodeJS.Timeout | undefined
  // The chain of posts: each flush runs after the previous one, and its failure is remembered.
  let chain: Promise<void> = Promise.resolve()
  let failure: Error | undefined
  let posts = 0
  let bytesPosted = 0

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (pendingBytes === 0) return chain
    const batch = Buffer.concat(pending, pendingBytes)
    pending = []
    pendingBytes = 0
    chain = chain.then(async () => {
      if (failure) return
      for (const part of splitUtf8(batch, MAX_POST_BYTES)) {
        try {
          await post(part)
        } catch (err) {
          failure = err instanceof Error ? err : new Error(String(err))
          writer.destroy(failure)
          return
        }
        posts++
        bytesPosted += part.byteLength
      }
    })
    return chain
  }

  const writer = new Writable({
    // Small high-water mark: the relay waits (writeOrWait) while a full batch is being posted.
    highWaterMark: maxBytes,
    write(chunk: Buffer, _encoding, callback) {
      if (failure) return callback(failure)
      pending.push(chunk)
      pendingBytes += chunk.byteLength
      if (pendingBytes >= maxBytes || options.maxDelayMs <= 0) {
        flush().then(() => callback(failure), callback)
        return
      }
      timer ??= setTimeout(() => void flush(), options.maxDelayMs)
      callback()
    },
    final(callback) {
      flush().then(() => callback(failure), callback)
    },
    destroy(err, callback) {
      if (timer) clearTimeout(timer)
      callback(err)
    },
  }) as ConnectionWriter
  Object.defineProperties(writer, {
    posts: { get: () => posts },
    bytesPosted: { get: () => bytesPosted },
  })
  return writer
}

/** Parts of at most `limit` bytes, each ending on a UTF-8 character boundary. */
export function splitUtf8(bytes: Buffer, limit: number): Buffer[] {
  const parts: Buffer[] = []
  let start = 0
  while (bytes.byteLength - start > limit) {
    let end = start + limit
    // Step back over continuation bytes (10xxxxxx) so the cut falls before a character's first byte.
    while (end > start && (bytes[end]! & 0xc0) === 0x80) end--
    parts.push(bytes.subarray(start, end))
    start = end
  }
  parts.push(bytes.subarray(start))
  return parts
}
