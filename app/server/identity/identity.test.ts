import { SignJWT, importJWK, type JWK } from 'jose'
import { serializeSigned } from 'hono/utils/cookie'
import { env } from 'cloudflare:test'
import { describe, expect, inject, it } from 'vitest'
import { SESSION_HEADER, type ErrorBody } from '../../../protocol/events'
import { marker, release, seenWith } from '../../test/upstream-client'
import { collect, Visitor } from '../../test/visitor'
import { OWNER_COOKIE } from './owner-cookie'

const ISSUER = 'https://issuer.test.invalid'
const AUDIENCE = 'edge-agent-chat-tests'

async function token(claims: { sub?: string; aud?: string; iss?: string; exp?: number | string }, jwk: JWK = inject('issuerPrivateJwk')) {
  const key = await importJWK(jwk, 'ES256')
  const jwt = new SignJWT(claims.sub ? {} : {}).setProtectedHeader({ alg: 'ES256', kid: 'test-key' }).setIssuedAt().setIssuer(claims.iss ?? ISSUER).setAudience(claims.aud ?? AUDIENCE)
  if (claims.sub) jwt.setSubject(claims.sub)
  jwt.setExpirationTime(claims.exp ?? '5m')
  return jwt.sign(key)
}

async function startConversation(v: Visitor) {
  const m = marker()
  const res = await v.invoke(`gated:${m} one two`)
  expect(res.status).toBe(200)
  return { id: res.headers.get(SESSION_HEADER)!, m, body: collect(res) }
}

describe('ownership: nobody reaches another owner’s conversation', () => {
  it('a second visitor can list, read, resume, continue, stop or delete none of the first one’s conversations', async () => {
    const first = new Visitor()
    const second = new Visitor()
    const { id, m, body } = await startConversation(first)

    expect(await (await second.fetch('/api/conversations')).json()).toEqual({ conversations: [] })
    const attempts = {
      read: await second.fetch(`/api/conversations/${id}`),
      resume: await second.events(id),
      continue: await second.invoke(`answer:${marker()}`, id),
      stop: await second.stop(id),
      delete: await second.fetch(`/api/conversations/${id}`, { method: 'DELETE' }),
    }
    for (const [what, res] of Object.entries(attempts)) {
      expect({ what, status: res.status }).toEqual({ what, status: 404 })
      expect((await res.json<ErrorBody>()).error.code).toBe('not_found')
    }
    // The first visitor's conversation is untouched: still running, then ends normally.
    await release(m)
    await release(m)
    const events = await body
    expect(events.at(-1)).toMatchObject({ type: 'done', data: { stopReason: 'end_turn' } })
    expect((await seenWith(id)).filter((r) => r.path === '/v1/cancel')).toEqual([])
    const list = await (await first.fetch('/api/conversations')).json<{ conversations: Array<{ id: string; title: string }> }>()
    expect(list.conversations.map((c) => c.id)).toEqual([id])
    expect(list.conversations[0].title).toBe(`gated:${m} one two`)
  })

  it('the owner lists, reads and deletes; a deleted conversation is gone', async () => {
    const v = new Visitor()
    const a = await v.invoke(`answer:${marker()} alpha`)
    const idA = a.headers.get(SESSION_HEADER)!
    await collect(a)
    const b = await v.invoke(`answer:${marker()} beta`)
    const idB = b.headers.get(SESSION_HEADER)!
    await collect(b)
    const list = await (await v.fetch('/api/conversations')).json<{ conversations: Array<{ id: string }> }>()
    expect(list.conversations.map((c) => c.id).sort()).toEqual([idA, idB].sort())
    const del = await v.fetch(`/api/conversations/${idA}`, { method: 'DELETE' })
    expect(await del.json()).toEqual({ deleted: true })
    expect((await v.fetch(`/api/conversations/${idA}`)).status).toBe(404)
    expect((await v.invoke(`answer:${marker()}`, idA)).status).toBe(404)
    const after = await (await v.fetch('/api/conversations')).json<{ conversations: Array<{ id: string }> }>()
    expect(after.conversations.map((c) => c.id)).toEqual([idB])
  })

  it('caps the conversations per owner with a 409, and lists nothing for the refused one', async () => {
    const v = new Visitor()
    const max = Number(env.MAX_CONVERSATIONS_PER_OWNER)
    for (let i = 0; i < max; i++) await collect(await v.invoke(`answer:${marker()} n${i}`))
    const m = marker()
    const over = await v.invoke(`answer:${m}`)
    expect(over.status).toBe(409)
    expect((await over.json<ErrorBody>()).error.code).toBe('conversation_limit')
    expect(await seenWith(m)).toEqual([])
    expect((await (await v.fetch('/api/conversations')).json<{ conversations: unknown[] }>()).conversations).toHaveLength(max)
  })

  it('a new conversation whose first turn fails upstream is not listed (nothing half-written)', async () => {
    const v = new Visitor()
    const res = await v.invoke(`status503:${marker()}`)
    expect(res.status).toBe(503)
    expect(await (await v.fetch('/api/conversations')).json()).toEqual({ conversations: [] })
    expect((await v.fetch(`/api/conversations/${res.headers.get(SESSION_HEADER)}`)).status).toBe(404)
  })
})

describe('the anonymous identity cookie', () => {
  it('a forged cookie is a 401 and is cleared; the next request gets a fresh identity', async () => {
    const v = new Visitor()
    await v.fetch('/api/conversations')
    const value = v.cookies.get(OWNER_COOKIE)!
    v.cookies.set(OWNER_COOKIE, value.replace(/\.[^.]+$/, '.' + 'A'.repeat(43) + '%3D'))
    const res = await v.fetch('/api/conversations')
    expect(res.status).toBe(401)
    expect((await res.json<ErrorBody>()).error.code).toBe('unauthorized')
    expect(v.cookies.has(OWNER_COOKIE)).toBe(false)
    expect((await v.fetch('/api/conversations')).status).toBe(200)
  })

  it('a cookie signed with another key, or older than its max age, is a 401', async () => {
    const otherKey = new Visitor()
    otherKey.cookies.set(OWNER_COOKIE, (await serializeSigned(OWNER_COOKIE, `${crypto.randomUUID()}.${Math.floor(Date.now() / 1000)}`, 'another-secret')).split(';')[0].split('=').slice(1).join('='))
    expect((await otherKey.fetch('/api/conversations')).status).toBe(401)

    const expired = new Visitor()
    const old = Math.floor(Date.now() / 1000) - 401 * 24 * 3600
    expired.cookies.set(OWNER_COOKIE, (await serializeSigned(OWNER_COOKIE, `${crypto.randomUUID()}.${old}`, env.OWNER_COOKIE_SECRET!)).split(';')[0].split('=').slice(1).join('='))
    const res = await expired.fetch('/api/conversations')
    expect(res.status).toBe(401)

    // The same construction with a current time and the right key is accepted: the checks above can pass.
    const fine = new Visitor()
    fine.cookies.set(OWNER_COOKIE, (await serializeSigned(OWNER_COOKIE, `${crypto.randomUUID()}.${Math.floor(Date.now() / 1000)}`, env.OWNER_COOKIE_SECRET!)).split(';')[0].split('=').slice(1).join('='))
    expect((await fine.fetch('/api/conversations')).status).toBe(200)
  })
})

describe('sign-in with an OIDC JWT (jose, against the local test issuer’s JWKS)', () => {
  it('a valid token is its user, in Cf-Access-Jwt-Assertion or as a Bearer token, on any device', async () => {
    const sub = `user-${marker()}`
    const laptop = new Visitor({ 'cf-access-jwt-assertion': await token({ sub }) })
    const { id, m, body } = await startConversation(laptop)
    await release(m)
    await release(m)
    await body
    const phone = new Visitor({ authorization: `Bearer ${await token({ sub })}` })
    const list = await (await phone.fetch('/api/conversations')).json<{ conversations: Array<{ id: string }> }>()
    expect(list.conversations.map((c) => c.id)).toEqual([id])
    const [seen] = await seenWith(m)
    expect(JSON.parse(seen.body).userId).toMatch(/^user_[A-Za-z0-9_-]{32}$/)
    // Another user sees none of it.
    const other = new Visitor({ authorization: `Bearer ${await token({ sub: `user-${marker()}` })}` })
    expect((await other.fetch(`/api/conversations/${id}`)).status).toBe(404)
  })

  const refused: Array<[string, () => Promise<string>]> = [
    ['another audience', () => token({ sub: 'u1', aud: 'someone-else' })],
    ['another issuer', () => token({ sub: 'u1', iss: 'https://evil.invalid' })],
    ['expired', () => token({ sub: 'u1', exp: Math.floor(Date.now() / 1000) - 60 })],
    ['signed by a key the issuer does not publish', () => token({ sub: 'u1' }, inject('foreignPrivateJwk'))],
    ['without a subject', () => token({})],
    ['not a JWT', async () => 'not.a.jwt'],
  ]
  for (const [name, make] of refused) {
    it(`a token ${name} is a 401 unauthorized`, async () => {
      const res = await new Visitor({ authorization: `Bearer ${await make()}` }).fetch('/api/conversations')
      expect(res.status).toBe(401)
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } })
    })
  }
})
