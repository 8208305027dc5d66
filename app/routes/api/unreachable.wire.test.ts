/**
 * The routes with an upstream nothing listens on (port 1 on loopback: the connection is refused).
 * Here, in a workerd of our own (test-support/api-worker.ts), rather than in the edge test pool:
 * the pool runs workerd with --verbose, which prints a stack trace for every refused connection
 * even when the Worker handles it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SESSION_HEADER } from '../../../protocol/events'
import { startApiWorker } from '../../../test-support/api-worker'
import { startTestUpstream, testUpstreamVars, type TestUpstream } from '../../../test-support/test-upstream'

let upstream: TestUpstream
let worker: Awaited<ReturnType<typeof startApiWorker>>

beforeAll(async () => {
  upstream = await startTestUpstream()
  worker = await startApiWorker({ ...testUpstreamVars(upstream), UPSTREAM_URL: 'http://127.0.0.1:1/v1/invoke' })
})
afterAll(async () => {
  await worker?.stop()
  await upstream?.stop()
})

const post = (path: string, body: object) =>
  fetch(`${worker.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('an unreachable upstream', () => {
  it('POST /api/invoke → 502 upstream_unreachable, with the session id', async () => {
    const res = await post('/api/invoke', { prompt: 'hello' })
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual({ error: { code: 'upstream_unreachable', message: expect.any(String) } })
    expect(res.headers.get(SESSION_HEADER)).toMatch(/^[A-Za-z0-9_-]{33,}$/)
  })

  it('leaves nothing behind: the conversation whose first turn failed does not exist', async () => {
    const res = await post('/api/invoke', { prompt: 'hello' })
    const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!
    const list = await fetch(`${worker.url}/api/conversations`, { headers: { cookie } })
    expect(await list.json()).toEqual({ conversations: [] })
    const stop = await fetch(`${worker.url}/api/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ sessionId: res.headers.get(SESSION_HEADER) }),
    })
    expect(stop.status).toBe(404)
  })

  it('the same Worker reaches a listening upstream (the checks above can fail)', async () => {
    const reachable = await startApiWorker(testUpstreamVars(upstream))
    try {
      const res = await fetch(`${reachable.url}/api/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'answer:reachable' }),
      })
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('event: done')
    } finally {
      await reachable.stop()
    }
  })
})
