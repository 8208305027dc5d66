import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { ErrorBody } from '../../../protocol/events'

// Every API route file and the methods it serves; every other method is a 405 naming them in Allow.
const id = 'c_' + 'a'.repeat(40)
const routes: Array<{ path: string; serves: string[] }> = [
  { path: '/api/health', serves: ['GET'] },
  { path: '/api/invoke', serves: ['POST'] },
  { path: '/api/cancel', serves: ['POST'] },
  { path: '/api/conversations', serves: ['GET'] },
  { path: `/api/conversations/${id}`, serves: ['GET', 'DELETE'] },
  { path: `/api/conversations/${id}/events`, serves: ['GET'] },
  { path: `/api/conversations/${id}/stop`, serves: ['POST'] },
  { path: `/api/conversations/${id}/watch`, serves: ['GET'] },
]
const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']

describe('methods a route does not serve', () => {
  for (const { path, serves } of routes) {
    it(`${path}: ${methods.filter((m) => !serves.includes(m)).join(', ')} → 405 with Allow: ${serves.join(', ')}`, async () => {
      for (const method of methods.filter((m) => !serves.includes(m))) {
        const res = await SELF.fetch(`http://edge.test${path}`, { method })
        expect({ method, status: res.status, allow: res.headers.get('allow') }).toEqual({ method, status: 405, allow: serves.join(', ') })
        expect((await res.json<ErrorBody>()).error).toEqual({ code: 'method_not_allowed', message: 'Method not allowed.' })
      }
      // A served method is not refused this way (the table above can fail).
      const served = await SELF.fetch(`http://edge.test${path}`, { method: serves[0] })
      expect(served.status).not.toBe(405)
      await served.body?.cancel()
    })
  }
})
