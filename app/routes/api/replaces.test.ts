import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { ip } from '../../test/client-ip'
import { marker, seenWith } from '../../test/upstream-client'

describe('POST /api/invoke with replaces (edit, regenerate, retry)', () => {
  it('passes the replaced prompt upstream with the new one, from a form as the page posts it', async () => {
    const m = marker()
    const body = new URLSearchParams({ prompt: `answer:${m} new`, replaces: 'the old prompt' })
    const res = await SELF.fetch('http://edge.test/api/invoke', { method: 'POST', body, headers: { 'cf-connecting-ip': ip() } })
    expect(res.status).toBe(200)
    await res.text()
    const [up] = await seenWith(m)
    expect(JSON.parse(up.body)).toMatchObject({ prompt: `answer:${m} new`, replaces: 'the old prompt' })
  })

  it('sends no replaces field when the page sends none', async () => {
    const m = marker()
    const res = await SELF.fetch('http://edge.test/api/invoke', { method: 'POST', body: new URLSearchParams({ prompt: `answer:${m} plain` }), headers: { 'cf-connecting-ip': ip() } })
    await res.text()
    const [up] = await seenWith(m)
    // userId: the conversation's owner (app/server/conversation), for AgentCore's runtimeUserId.
    expect(Object.keys(JSON.parse(up.body)).sort()).toEqual(['firstEventId', 'prompt', 'sessionId', 'userId'])
  })
})
