/**
 * An HTTP server on 127.0.0.1 (port 0) whose every answer ("go") waits until `release()`: a function
 * under test fetches it to pause between two parts of its answer, so a test needs no clock.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export async function holdServer(): Promise<{ url: string; release(): void; close(): Promise<void> }> {
  let release!: () => void
  const released = new Promise<void>((r) => (release = r))
  const server = createServer((_req, res) => void released.then(() => res.end('go')))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, release, close: () => new Promise<void>((r) => server.close(() => r())) }
}
