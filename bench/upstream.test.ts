import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FIRST_EVENT_ID_HEADER } from '../protocol/events'
import { makeAgent, runStream } from './client'
import { parsePrompt, promptFor, startUpstream, type Upstream } from './upstream'

describe('the synthetic upstream', () => {
  let up: Upstream
  const agent = makeAgent()
  const direct = () => ({ url: up.invokeUrl, headers: { 'x-api-key': up.apiKey } })

  beforeAll(async () => {
    up = await startUpstream()
  })
  afterAll(async () => {
    agent.destroy()
    await up.stop()
  })

  it('reads the stream spec, the pair id included, from the prompt', () => {
    expect(parsePrompt(promptFor({ n: 3, size: 40, intervalMs: 5 }))).toEqual({ n: 3, size: 40, intervalMs: 5 })
    expect(parsePrompt(promptFor({ n: 3, size: 40, intervalMs: 5, pair: 'r0:floor' }))).toEqual({ n: 3, size: 40, intervalMs: 5, pair: 'r0:floor' })
    expect(parsePrompt('bench {"n":3,"size":40,"intervalMs":5,"pair":7}')).toBeNull()
    expect(parsePrompt('bench {"n":-1,"size":40,"intervalMs":5}')).toBeNull()
    expect(parsePrompt('hello')).toBeNull()
  })

  it('sends the two streams of a pair the same events with the same stamps, whichever arrives first', async () => {
    const spec = { n: 20, size: 64, intervalMs: 2, pair: 'twins' }
    const first = runStream(direct(), spec, agent)
    // The twin comes later, as a proxied request would: the first one waits for it.
    await new Promise((r) => setTimeout(r, 30))
    const [a, b] = await Promise.all([first, runStream(direct(), spec, agent)])
    for (const r of [a, b]) expect(r.inOrder).toBe(true)
    expect(a.chunks.map((c) => c.sentAt)).toEqual(b.chunks.map((c) => c.sentAt))
    // Its first event was not sent before the twin was there.
    expect(a.chunks[0].sentAt).toBeGreaterThan(b.startedAt)
  })

  it('numbers the events from the request’s firstEventId and says so in X-First-Event-Id, as the Lambda does; without it, no ids', async () => {
    const ask = (body: object) => fetch(up.invokeUrl, { method: 'POST', headers: { 'x-api-key': up.apiKey, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const prompt = promptFor({ n: 2, size: 40, intervalMs: 0 })
    const numbered = await ask({ prompt, firstEventId: 7 })
    expect(numbered.headers.get(FIRST_EVENT_ID_HEADER)).toBe('7')
    const text = await numbered.text()
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([7, 8, 9, 10])
    expect([...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1])).toEqual(['meta', 'text', 'text', 'done'])
    const plain = await ask({ prompt })
    expect(plain.headers.get(FIRST_EVENT_ID_HEADER)).toBeNull()
    expect(await plain.text()).not.toMatch(/^id:/m)
  })

  it('streams unpaired requests on their own schedules', async () => {
    const [a, b] = await Promise.all([runStream(direct(), { n: 10, size: 64, intervalMs: 3 }, agent), runStream(direct(), { n: 10, size: 64, intervalMs: 3 }, agent)])
    for (const r of [a, b]) expect(r.inOrder).toBe(true)
    expect(a.chunks.map((c) => c.sentAt)).not.toEqual(b.chunks.map((c) => c.sentAt))
  })
})
