import { connect } from 'node:net'
import { request } from 'node:http'
import { startApiWorker } from './test-support/api-worker'
import { startTestUpstream, TEST_API_KEY } from './test-support/test-upstream'
const up = await startTestUpstream()
const w = await startApiWorker({ UPSTREAM_URL: up.invokeUrl, UPSTREAM_API_KEY: TEST_API_KEY })
const u = new URL(w.url)
function raw(mb: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(Number(u.port), u.hostname)
    let got = ''
    s.on('data', (d) => (got += d))
    s.on('error', (e) => (got += `[socket error ${e.message}]`))
    s.on('close', () => resolve(got.slice(0, 30).replace(/\r\n/g, ' ')))
    s.write('POST /api/invoke HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n')
    const chunk = Buffer.alloc(1 << 20, 'x')
    for (let i = 0; i < mb; i++) { s.write(chunk.length.toString(16) + '\r\n'); s.write(chunk); s.write('\r\n') }
    s.write('0\r\n\r\n')
  })
}
function viaHttp(mb: number): Promise<string> {
  return new Promise((resolve) => {
    const req = request(w.url + '/api/invoke', { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => resolve(`${res.statusCode} ${b.slice(0, 40)}`)); res.on('error', (e) => resolve('res error ' + e.message))
    })
    req.on('error', (e) => resolve('req error ' + e.message))
    const chunk = Buffer.alloc(1 << 20, 'x')
    for (let i = 0; i < mb; i++) req.write(chunk)
    req.end()
  })
}
for (const mb of [1, 4, 16]) {
  for (let i = 0; i < 3; i++) console.log('raw', mb, await raw(mb), '| http', mb, await viaHttp(mb))
}
await w.stop(); await up.stop(); process.exit(0)
