import type { Writable } from 'node:stream'

/**
 * Writes `chunk` and, when the socket's buffer is full, waits until it drains or the response closes.
 * Both listeners are removed afterwards: `once('drain'); once('close')` per wait would leave one
 * listener behind each time, and a long relay (thousands of waits) would pile them up.
 */
export async function writeOrWait(stream: Writable, chunk: Uint8Array): Promise<void> {
  if (stream.write(chunk) || stream.destroyed) return
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done)
      stream.off('close', done)
      resolve()
    }
    stream.on('drain', done)
    stream.on('close', done)
  })
}
