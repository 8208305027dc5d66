import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { readConfig } from '../config'
import { restUpstream } from './rest'
import { awsVars, marker, seenWith, upstreamUrl } from '../../test/upstream-client'

describe('restUpstream.cancel', () => {
  it('POSTs {sessionId} with the API key to the cancel URL derived from the invoke URL', async () => {
    const sessionId = `cancel_${marker()}`
    const config = readConfig({ UPSTREAM_URL: `${upstreamUrl()}/v1/invoke`, UPSTREAM_API_KEY: env.UPSTREAM_API_KEY, ...awsVars() })
    expect(await restUpstream(config).cancel(sessionId)).toEqual({ status: 200, cancelled: true, method: 'signal' })
    const [seen] = await seenWith(sessionId)
    expect(seen.path).toBe('/v1/cancel')
    expect(JSON.parse(seen.body)).toEqual({ sessionId })
    expect(seen.headers['x-api-key']).toBe(env.UPSTREAM_API_KEY)
    expect(seen.sigv4).toBe('valid')
  })

  // An unreachable upstream: app/routes/api/unreachable.wire.test.ts (outside the test pool's verbose workerd).
  it('reports a refusing upstream instead of throwing', async () => {
    const wrongKey = readConfig({ UPSTREAM_URL: `${upstreamUrl()}/v1/invoke`, UPSTREAM_API_KEY: 'wrong', ...awsVars() })
    expect(await restUpstream(wrongKey).cancel('x'.repeat(40))).toMatchObject({ status: 403, cancelled: false })
  })

  it('reports truthfully that nothing was running (the upstream’s 404 {"cancelled":false}), without retrying', async () => {
    const sessionId = `idle_${marker()}`
    const config = readConfig({ UPSTREAM_URL: `${upstreamUrl()}/v1/invoke`, UPSTREAM_API_KEY: env.UPSTREAM_API_KEY, ...awsVars() })
    expect(await restUpstream(config).cancel(sessionId)).toEqual({ status: 404, cancelled: false })
    expect(await seenWith(sessionId)).toHaveLength(1)
  })

  it('retries a cancel the upstream could not take (a throttled cancel function: API Gateway’s 500), within a bound', async () => {
    const sessionId = `flaky_${marker()}`
    const config = readConfig({ UPSTREAM_URL: `${upstreamUrl()}/v1/invoke`, UPSTREAM_API_KEY: env.UPSTREAM_API_KEY, ...awsVars() })
    expect(await restUpstream(config).cancel(sessionId)).toEqual({ status: 200, cancelled: true, method: 'signal' })
    expect((await seenWith(sessionId)).map((r) => r.path)).toEqual(['/v1/cancel', '/v1/cancel'])
  })
})
