import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, it } from 'vitest'
import { writeOrWait } from './write-or-wait'

it('waits for the slow reader and leaves no drain/close listeners behind', async () => {
  const chunk = new Uint8Array(256 * 1024)
  const n = 40
  const server = createServer(async (_req, res) => {
    res.writeHead(200)
    const before = { drain: res.listenerCount('drain'), close: res.listenerCount('close') }
    for (let i = 0; i < n; i++) await writeOrWait(res, chunk)
    res.end(JSON.stringify({ before, after: { drain: res.listenerCount('drain'), close: res.listenerCount('close') } }))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    const bytes = new Uint8Array(await res.arrayBuffer())
    expect(bytes.length).toBeGreaterThan(n * chunk.length)
    const counts = JSON.parse(new TextDecoder().decode(bytes.subarray(n * chunk.length)))
    expect(counts.after).toEqual(counts.before)
  } finally {
    server.closeAllConnections()
    await new Promise<void>((r) => server.close(() => r()))
  }
})
