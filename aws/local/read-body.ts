import type { IncomingMessage } from 'node:http'

/**
 * A request body, whole, up to `maxBytes`: the emulators' payload caps (API Gateway's 10 MB,
 * AgentCore's 100 MB). Past the cap the bytes are still read and dropped, so the answer can go out on
 * the same connection, and the result is 'too_large'; it rejects when the request breaks off.
 * node:stream/consumers' buffer() reads a body with no cap, which is what callers without one use.
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
