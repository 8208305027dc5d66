import { connect } from 'node:net'
import { startApiWorker } from './test-support/api-worker'
import { startTestUpstream, TEST_API_KEY } from './test-support/test-upstream'
const up = await startTestUpstream()
const w = await startApiWorker({ UPSTREAM_URL: up.invokeUrl, UPSTREAM_API_KEY: TEST_API_KEY })
const u = new URL(w.url)
function raw(send: (s: any) => Promise<void>): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(Number(u.port), u.hostname)
    let got = ''
    s.on('data', (d) => (got += d))
    s.on('error', (e) => (got += `\n[socket error ${e.message}]`))
    s.on('close', () => resolve(got))
    send(s).catch((e) => (got += `\n[send error ${e.message}]`))
  })
}
// 1 MB chunked
const r1 = await raw(async (s) => {
  s.write('POST /api/invoke HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n')
  const chunk = Buffer.alloc(16384, 'x')
  for (let i = 0; i < 64; i++) { if (s.destroyed) break; s.write(chunk.length.toString(16) + '\r\n'); s.write(chunk); s.write('\r\n'); await new Promise(r => setImmediate(r)) }
  if (!s.destroyed) s.write('0\r\n\r\n')
})
console.log('chunked 1MB:', r1.slice(0, 300))
// fetch with chunked body
try {
  const body = new ReadableStream({ start(c) { for (let i = 0; i < 64; i++) c.enqueue(new Uint8Array(16384).fill(120)); c.close() } })
  const r = await fetch(w.url + '/api/invoke', { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/json' } } as any)
  console.log('fetch chunked', r.status, await r.text())
} catch (e: any) { console.log('fetch chunked error', e.message, e.cause?.message) }
// slow body
const t0 = Date.now()
const r2 = await Promise.race([raw(async (s) => {
  s.write('POST /api/invoke HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\nconnection: close\r\n\r\n{"prompt":')
}), new Promise<string>((r) => setTimeout(() => r('[no answer in 5 s]'), 5000))])
console.log('slow:', r2.slice(0, 300), Date.now() - t0)
await w.stop(); await up.stop(); process.exit(0)
