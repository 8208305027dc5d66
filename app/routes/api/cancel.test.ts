import { SELF, env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { ErrorBody } from '../../../protocol/events'
import { ip } from '../../test/client-ip'
import { marker, seenWith } from '../../test/upstream-client'

describe('POST /api/cancel', () => {
  it('POST /api/cancel asks the upstream to cancel and validates its input', async () => {
    const sessionId = 'cancel_' + marker()
    const res = await SELF.fetch('http://edge.test/api/cancel', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip() },
      body: JSON.stringify({ sessionId }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ cancelled: true, method: 'signal' })
    const [seen] = await seenWith(sessionId)
    expect(seen.path).toBe('/v1/cancel')
    expect(seen.headers['x-api-key']).toBe(env.UPSTREAM_API_KEY)

    const bad = await SELF.fetch('http://edge.test/api/cancel', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip() },
      body: JSON.stringify({ sessionId: 'nope' }),
    })
    expect(bad.status).toBe(400)
    expect((await bad.json<ErrorBody>()).error.code).toBe('invalid_session_id')
  })
})
