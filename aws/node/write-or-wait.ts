/**
 * Back-pressure on a Node Writable, for the Lambda's response stream (aws/lambda/response.ts), the
 * local emulators (aws/local/) and the bench's upstream (bench/upstream.ts).
 */
import type { Writable } from 'node:stream'

/** Writes `chunk` and, when the stream's buffer is full, waits until it drains or closes. */
export async function writeOrWait(stream: Writable, chunk: Uint8Array | string): Promise<void> {
  if (stream.write(chunk) || stream.destroyed) return
  await drained(stream)
}

/**
 * Settles when the stream drains or closes. Both listeners are removed afterwards: `once('drain');
 * once('close')` per wait would leave one listener behind each time, and a long relay (thousands of
 * waits) would pile them up.
 */
export function drained(stream: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done)
      stream.off('close', done)
      resolve()
    }
    stream.on('drain', done)
    stream.on('close', done)
  })
}
