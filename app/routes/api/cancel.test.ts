import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { SESSION_HEADER, type ErrorBody } from '../../../protocol/events'
import { ip } from '../../test/client-ip'
import { marker, seenWith } from '../../test/upstream-client'
import { collect, Visitor } from '../../test/visitor'

const cancel = (v: Visitor, sessionId: unknown) =>
  v.fetch('/api/cancel', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sessionId }) })

describe('POST /api/cancel', () => {
  it('stops the caller’s own running turn (as POST /api/conversations/:id/stop does), and nobody else’s', async () => {
    const owner = new Visitor()
    const res = await owner.invoke(`gated:${marker()} first second`)
    const sessionId = res.headers.get(SESSION_HEADER)!
    const reading = collect(res)

    const stranger = await cancel(new Visitor(), sessionId)
    expect(stranger.status).toBe(404)
    expect((await stranger.json<ErrorBody>()).error.code).toBe('not_found')
    expect((await seenWith(sessionId)).filter((r) => r.path === '/v1/cancel')).toEqual([])

    const own = await cancel(owner, sessionId)
    expect(own.status).toBe(200)
    expect(await own.json()).toEqual({ stopped: true, upstreamCancelled: true })
    expect((await reading).at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'cancelled' } })
    expect((await seenWith(sessionId)).filter((r) => r.path === '/v1/cancel')).toHaveLength(1)
  })

  it('validates its input', async () => {
    const bad = await SELF.fetch('http://edge.test/api/cancel', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip() },
      body: JSON.stringify({ sessionId: 'nope' }),
    })
    expect(bad.status).toBe(400)
    expect((await bad.json<ErrorBody>()).error.code).toBe('invalid_session_id')
  })
})
