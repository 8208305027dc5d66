import type { IncomingMessage } from 'node:http'

/**
 * A request body, whole. Past `maxBytes` the bytes are read and dropped (so the answer can still be
 * sent on the same connection) and the result is 'too_large'. Rejects when the request breaks off.
 */
export function readBody(req: IncomingMessage, maxBytes = Infinity): Promise<Buffer | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size <= maxBytes) chunks.push(c)
    })
    req.on('end', () => resolve(size > maxBytes ? 'too_large' : Buffer.concat(chunks)))
    req.on('error', reject)
    req.on('aborted', () => reject(new Error('request aborted')))
  })
}
