import { describe, expect, it } from 'vitest'
import { createThrottle } from './usage-plan'

describe('createThrottle', () => {
  it('lets a burst of burstLimit through, then refills at rateLimit per second, per key', () => {
    let now = 0
    const t = createThrottle({ rateLimit: 10, burstLimit: 20 }, () => now)
    const burst = Array.from({ length: 25 }, () => t.take('k1'))
    expect(burst.filter(Boolean).length).toBe(20)
    expect(t.take('k2')).toBe(true) // another key has its own bucket
    now += 100 // 0.1 s: one token back
    expect([t.take('k1'), t.take('k1')]).toEqual([true, false])
    now += 10_000 // refills to the burst, not beyond
    expect(Array.from({ length: 21 }, () => t.take('k1')).filter(Boolean).length).toBe(20)
  })
})

describe('the API Gateway emulator with a usage plan', () => {
  it('answers 429 Too Many Requests once the key’s bucket is empty, without calling the function', async () => {
    const { startApiGateway } = await import('./server')
    let calls = 0
    const gw = await startApiGateway({
      routes: [{ method: 'POST', path: '/invoke', apiKeyRequired: true }],
      apiKeys: { 'plan-key-0123456789': 'plan-key' },
      usagePlan: { rateLimit: 0.001, burstLimit: 2 },
      invoke: () => {
        calls++
        return Promise.reject(Object.assign(new Error('busy'), { name: 'TooManyRequestsException', statusCode: 429 }))
      },
    })
    try {
      const post = (key: string) => fetch(gw.url + '/invoke', { method: 'POST', headers: { 'x-api-key': key }, body: '{}' })
      const answers = []
      for (let i = 0; i < 3; i++) {
        const res = await post('plan-key-0123456789')
        answers.push([res.status, res.headers.get('x-amzn-errortype'), await res.json()])
      }
      expect(answers[2]).toEqual([429, 'TooManyRequestsException', { message: 'Too Many Requests' }])
      expect(answers.slice(0, 2).map((a) => a[0])).toEqual([500, 500])
      expect(calls).toBe(2)
      // A wrong key is refused as before (403), not counted.
      expect((await post('other')).status).toBe(403)
    } finally {
      await gw.stop()
    }
  })
})
