import { SELF, createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { SESSION_HEADER, type ErrorBody } from '../../../protocol/events'
import app from '../../server'
import { ip } from '../../test/client-ip'
import { marker, release, seenWith } from '../../test/upstream-client'
import { collect, readSome } from '../../test/visitor'

function invoke(body: BodyInit | null, contentType: string | null = 'application/json', headers: Record<string, string> = {}) {
  const h = new Headers({ 'cf-connecting-ip': ip(), ...headers })
  if (contentType) h.set('content-type', contentType)
  return SELF.fetch('http://edge.test/api/invoke', { method: 'POST', body, headers: h })
}

const validSession = 'session_' + 'a'.repeat(40)

describe('POST /api/invoke input validation', () => {
  const cases: Array<{ name: string; body: (m: string) => BodyInit; type?: string | null; status: number; code: string }> = [
    { name: 'invalid JSON', body: (m) => `{"prompt": "${m}"`, status: 400, code: 'invalid_json' },
    { name: 'JSON that is not an object', body: (m) => JSON.stringify([m]), status: 400, code: 'invalid_request' },
    { name: 'missing prompt', body: (m) => JSON.stringify({ sessionId: `s_${m}` }), status: 400, code: 'prompt_required' },
    { name: 'blank prompt', body: (m) => JSON.stringify({ prompt: ' \n\t ', sessionId: `s_${m}` }), status: 400, code: 'prompt_required' },
    { name: 'prompt not a string', body: (m) => JSON.stringify({ prompt: 42, sessionId: `s_${m}` }), status: 400, code: 'invalid_request' },
    { name: 'prompt over 16,000 characters', body: (m) => JSON.stringify({ prompt: m + 'x'.repeat(16_001) }), status: 413, code: 'prompt_too_large' },
    { name: 'body over the byte limit', body: (m) => JSON.stringify({ prompt: m + 'x'.repeat(400_000) }), status: 413, code: 'payload_too_large' },
    { name: 'session id too short', body: (m) => JSON.stringify({ prompt: m, sessionId: 'a'.repeat(32) }), status: 400, code: 'invalid_session_id' },
    { name: 'session id too long', body: (m) => JSON.stringify({ prompt: m, sessionId: 'a'.repeat(257) }), status: 400, code: 'invalid_session_id' },
    { name: 'session id with bad characters', body: (m) => JSON.stringify({ prompt: m, sessionId: 'a'.repeat(40) + '/../x' }), status: 400, code: 'invalid_session_id' },
    { name: 'blank form prompt', body: (m) => new URLSearchParams({ prompt: '   ', sessionId: `s_${m}` }).toString(), type: 'application/x-www-form-urlencoded', status: 400, code: 'prompt_required' },
    { name: 'form with a bad session id', body: (m) => new URLSearchParams({ prompt: m, sessionId: 'short' }).toString(), type: 'application/x-www-form-urlencoded', status: 400, code: 'invalid_session_id' },
    { name: 'text/plain body', body: (m) => m, type: 'text/plain', status: 415, code: 'unsupported_media_type' },
    { name: 'no content type', body: (m) => JSON.stringify({ prompt: m }), type: null, status: 415, code: 'unsupported_media_type' },
  ]
  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}, never forwarded`, async () => {
      const m = marker()
      const res = await invoke(c.body(m), c.type === undefined ? 'application/json' : c.type)
      expect(res.status).toBe(c.status)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      const body = await res.json()
      expect(body).toEqual({ error: { code: c.code, message: expect.any(String) } })
      expect(await seenWith(m)).toEqual([])
    })
  }

  it('a valid request with the same shape does reach the upstream (the check above can fail)', async () => {
    const m = marker()
    const res = await invoke(JSON.stringify({ prompt: `answer:${m}` }))
    expect(res.status).toBe(200)
    await res.text()
    expect(await seenWith(m)).toHaveLength(1)
  })

  it('answers other methods with 405 and unknown API paths with 404', async () => {
    const get = await SELF.fetch('http://edge.test/api/invoke')
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect((await get.json<ErrorBody>()).error.code).toBe('method_not_allowed')
    const missing = await SELF.fetch('http://edge.test/api/nope')
    expect(missing.status).toBe(404)
    expect((await missing.json<ErrorBody>()).error.code).toBe('not_found')
  })
})

describe('POST /api/invoke size limits: characters after parsing, bytes only as an outer guard', () => {
  // The worst legal encodings of a character outside the BMP: 12 bytes each.
  const emoji = (n: number) => '😀'.repeat(n)
  const escapedJson = (body: object) =>
    JSON.stringify(body).replace(/[\u{10000}-\u{10FFFF}]/gu, (c) => c.split('').map((unit) => `\\u${unit.charCodeAt(0).toString(16)}`).join(''))
  const session = () => `size_${marker()}`

  it('16,000 emoji as escaped JSON ("\\ud83d\\ude00" each, ~192 KB) are within the limit and reach the upstream', async () => {
    // A new conversation (a session id of one's own choosing is not one's conversation: 404); the
    // Worker's id, from X-Session-Id, finds the request at the upstream.
    const body = escapedJson({ prompt: emoji(16_000) })
    expect(body).toContain('\\ud83d\\ude00')
    expect(body.length).toBeGreaterThan(16_000 * 12)
    const res = await invoke(body)
    expect(res.status).toBe(200)
    await res.body!.cancel()
    const [seen] = await seenWith(res.headers.get(SESSION_HEADER)!)
    expect(seen.prompt).toBe(emoji(16_000))
  })

  it('16,000 emoji as a urlencoded form (%F0%9F%98%80 each) are within the limit and reach the upstream', async () => {
    const body = new URLSearchParams({ prompt: emoji(16_000) }).toString()
    expect(body).toContain('%F0%9F%98%80')
    const res = await invoke(body, 'application/x-www-form-urlencoded')
    expect(res.status).toBe(200)
    await res.body!.cancel()
    expect((await seenWith(res.headers.get(SESSION_HEADER)!))[0].prompt).toBe(emoji(16_000))
  })

  it('16,001 emoji are refused in characters (prompt_too_large), not bytes, in either encoding', async () => {
    const sessionId = session()
    const json = await invoke(escapedJson({ prompt: emoji(16_001), sessionId }))
    expect(json.status).toBe(413)
    expect((await json.json<ErrorBody>()).error.code).toBe('prompt_too_large')
    const form = await invoke(new URLSearchParams({ prompt: emoji(16_001), sessionId }).toString(), 'application/x-www-form-urlencoded')
    expect(form.status).toBe(413)
    expect((await form.json<ErrorBody>()).error.code).toBe('prompt_too_large')
    expect(await seenWith(sessionId)).toEqual([])
  })
})

describe('POST /api/invoke forwarding', () => {
  it('streams the answer with SSE headers, a generated session id and the API key sent upstream only', async () => {
    const m = marker()
    const res = await invoke(JSON.stringify({ prompt: `answer:${m} Hi there` }))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(res.headers.get('content-encoding')).toBe('identity')
    const sessionId = res.headers.get(SESSION_HEADER)!
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{33,256}$/)
    const raw = await res.clone().text()
    expect(raw).not.toContain(env.UPSTREAM_API_KEY)
    for (const [, value] of res.headers) expect(value).not.toContain(env.UPSTREAM_API_KEY)
    const events = await collect(res)
    expect(events[0]).toEqual({ id: 1, type: 'meta', data: { sessionId, requestId: expect.any(String) } })
    expect(events.filter((e) => e.type === 'text').map((e) => (e.data as { text: string }).text).join('')).toBe('Hi there')
    expect(events.at(-1)).toEqual({ id: events.length, type: 'done', data: { stopReason: 'end_turn' } })
    expect(events.filter((e) => e.type === 'error')).toEqual([])

    const [up] = await seenWith(m)
    expect(up.path).toBe('/v1/invoke')
    expect(up.headers['x-api-key']).toBe(env.UPSTREAM_API_KEY)
    expect(up.headers['accept']).toBe('text/event-stream')
    expect(up.headers['content-type']).toBe('application/json')
    // userId: the conversation's owner, for AgentCore's runtimeUserId (app/server/conversation).
    expect(JSON.parse(up.body)).toEqual({ prompt: `answer:${m} Hi there`, sessionId, userId: expect.stringMatching(/^anon_/), firstEventId: 2 })
  })

  it('continues the caller’s conversation with a form body; a session id that is not one of theirs is 404, never forwarded', async () => {
    const first = await invoke(JSON.stringify({ prompt: `answer:${marker()}` }))
    const sessionId = first.headers.get(SESSION_HEADER)!
    const cookie = first.headers.getSetCookie()[0].split(';')[0]
    await first.text()
    const m = marker()
    const res = await invoke(new URLSearchParams({ prompt: `answer:${m}`, sessionId }).toString(), 'application/x-www-form-urlencoded', { cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get(SESSION_HEADER)).toBe(sessionId)
    const events = await collect(res)
    expect(events[0]).toMatchObject({ type: 'meta', data: { sessionId } })
    expect((await seenWith(m))[0].sessionId).toBe(sessionId)

    const m2 = marker()
    const unknown = await invoke(new URLSearchParams({ prompt: `answer:${m2}`, sessionId: validSession }).toString(), 'application/x-www-form-urlencoded')
    expect(unknown.status).toBe(404)
    expect((await unknown.json<ErrorBody>()).error.code).toBe('not_found')
    expect(await seenWith(m2)).toEqual([])
  })

  it('accepts a multipart form body', async () => {
    const m = marker()
    const form = new FormData()
    form.set('prompt', `answer:${m}`)
    // No content type of ours: fetch sets multipart/form-data with its boundary. No sessionId: a
    // session id that is not one of the caller's conversations is refused (404, tested above).
    const res = await invoke(form, null)
    expect(res.status).toBe(200)
    const sessionId = res.headers.get(SESSION_HEADER)
    await res.text()
    const [seen] = await seenWith(m)
    expect(seen.prompt).toBe(`answer:${m}`)
    expect(seen.sessionId).toBe(sessionId)
  })

  it('delivers each upstream chunk as it arrives, before the next one exists', async () => {
    // The upstream sends event i only after the i-th release: if the Worker buffered or waited for
    // more, the read below would never see "one" and the test would time out.
    const m = marker()
    const res = await invoke(JSON.stringify({ prompt: `gated:${m} one two three` }))
    expect(res.status).toBe(200)
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let received = ''
    const readUntil = async (text: string) => {
      while (!received.includes(text)) {
        const { done, value } = await reader.read()
        if (done) throw new Error(`stream ended before ${JSON.stringify(text)}`)
        received += value
      }
    }
    await readUntil('"one"')
    expect(received).not.toContain('two')
    await release(m)
    await readUntil('" two"')
    expect(received).not.toContain('three')
    await release(m)
    await readUntil('" three"')
    await readUntil('event: done')
    expect(received).not.toContain('event: error')
  })
})

describe('POST /api/invoke upstream failures', () => {
  // retryable: the body says trying again may work; cancels: the agent may be running (a timeout or a
  // failure after the request went out), so the Worker stops it rather than leave it answering nobody.
  const failures = [
    { scenario: 'status403', status: 502, code: 'upstream_auth', cancels: 0 },
    { scenario: 'status500', status: 502, code: 'upstream_error', cancels: 1 },
    { scenario: 'status503', status: 503, code: 'agent_unavailable', retryable: true, cancels: 0 },
    { scenario: 'retry503', status: 503, code: 'agent_unavailable', retryable: true, cancels: 0, retryAfter: '7' },
    // API Gateway's own throttle, and Lambda's TooManyRequestsException as API Gateway passes it on (500).
    { scenario: 'status429', status: 503, code: 'agent_unavailable', retryable: true, cancels: 0 },
    { scenario: 'throttled', status: 503, code: 'agent_unavailable', retryable: true, cancels: 0 },
    { scenario: 'status504', status: 504, code: 'upstream_timeout', retryable: true, cancels: 1 },
    { scenario: 'html200', status: 502, code: 'upstream_bad_response', cancels: 0 },
    { scenario: 'hang', status: 504, code: 'upstream_timeout', retryable: true, cancels: 1 },
  ]
  for (const f of failures) {
    it(`${f.scenario} → ${f.status} ${f.code}${f.retryable ? ' (retryable)' : ''}${f.cancels ? ', and the agent is stopped' : ''}, with no upstream internals`, async () => {
      const m = marker()
      const res = await invoke(JSON.stringify({ prompt: `${f.scenario}:${m}` }))
      const sessionId = res.headers.get(SESSION_HEADER)!
      expect(res.status).toBe(f.status)
      const text = await res.text()
      expect(JSON.parse(text)).toEqual({ error: { code: f.code, message: expect.any(String), ...(f.retryable ? { retryable: true } : {}) } })
      expect(text).not.toMatch(/stack|TypeError|index\.mjs|Forbidden|Endpoint request|Internal server error/)
      expect(sessionId).toMatch(/^[A-Za-z0-9_-]{33,}$/)
      expect(res.headers.get('retry-after')).toBe(f.retryAfter ?? null)
      const cancels = async () => (await seenWith(sessionId)).filter((r) => r.path === '/v1/cancel')
      if (f.cancels) await expect.poll(async () => (await cancels()).length).toBe(f.cancels)
      const seen = await seenWith(m)
      expect(seen.filter((r) => r.path === '/v1/invoke')).toHaveLength(1)
      expect(await cancels()).toHaveLength(f.cancels)
    })
  }

  // An unreachable upstream → 502 upstream_unreachable: unreachable.wire.test.ts.

  it('a Worker with a bad setting answers 500 internal_error for every request and forwards nothing', async () => {
    const m = marker()
    const ctx = createExecutionContext()
    const res = await app.request(
      '/api/invoke',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: `answer:${m}` }) },
      { ...env, UPSTREAM_KIND: 'carrier-pigeon' },
      ctx,
    )
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: { code: 'internal_error', message: expect.stringContaining('misconfigured') } })
    expect(await seenWith(m)).toEqual([])
  })

  it('a Worker without its RATE_LIMITER binding answers 500 internal_error rather than run unlimited', async () => {
    const m = marker()
    const ctx = createExecutionContext()
    const { RATE_LIMITER: _, ...withoutLimiter } = env
    const res = await app.request(
      '/api/invoke',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prompt: `answer:${m}` }) },
      withoutLimiter,
      ctx,
    )
    await waitOnExecutionContext(ctx)
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: { code: 'internal_error', message: expect.stringContaining('misconfigured') } })
    expect(await seenWith(m)).toEqual([])
  })

  // A stream that breaks (the upstream's socket destroyed mid-answer): invoke.wire.test.ts.

  it('a stream that ends without done gets stream_interrupted and done (its end says it is incomplete)', async () => {
    const res = await invoke(JSON.stringify({ prompt: `nodone:${marker()} a b` }))
    const events = await collect(res)
    expect(events.map((e) => e.type)).toEqual(['meta', 'meta', 'text', 'text', 'error', 'done'])
  })
})

describe('stopping', () => {
  it('a client that disconnects does not stop the answer; POST /api/conversations/:id/stop cancels the session, and its answer ends', async () => {
    const m = marker()
    const controller = new AbortController()
    const res = await SELF.fetch('http://edge.test/api/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip() },
      body: JSON.stringify({ prompt: `forever:${m}` }),
      signal: controller.signal,
    })
    const sessionId = res.headers.get(SESSION_HEADER)!
    const cookie = res.headers.getSetCookie()[0].split(';')[0]
    const reader = res.body!.getReader()
    let text = ''
    while (!text.includes('event: text')) text += new TextDecoder().decode((await reader.read()).value)
    await reader.cancel()
    controller.abort()
    // Still answering with no reader: a resume gets more text than the disconnected reader saw.
    const resumedTexts = async () =>
      (await readSome(await SELF.fetch(`http://edge.test/api/conversations/${sessionId}/events`, { headers: { cookie } }), 6)).filter((e) => e.type === 'text').length
    await expect.poll(resumedTexts).toBeGreaterThan(1)
    expect((await seenWith(m))[0].aborted).toBe(false)

    const stop = await SELF.fetch(`http://edge.test/api/conversations/${sessionId}/stop`, { method: 'POST', headers: { cookie, 'cf-connecting-ip': ip() } })
    expect(await stop.json()).toEqual({ stopped: true, upstreamCancelled: true })
    // The upstream, told to cancel, ended its answer (conversation.test.ts: Stop of a turn the conversation numbers aborts the read instead).
    await expect.poll(async () => (await seenWith(m))[0]?.ended).toBe(true)
    const cancels = (await seenWith(sessionId)).filter((x) => x.path === '/v1/cancel')
    expect(cancels).toHaveLength(1)
    expect(JSON.parse(cancels[0].body)).toEqual({ sessionId })
    expect(cancels[0].headers['x-api-key']).toBe(env.UPSTREAM_API_KEY)
  })
})

describe('rate limiting and headers', () => {
  it('answers 429 with Retry-After once a client exceeds its budget, before reading the body', async () => {
    const client = ip()
    let limited: Response | undefined
    // 20 per 60 s (wrangler.toml); twice that plus one sees a 429 even if a window turns over.
    for (let i = 0; i < 41 && !limited; i++) {
      const res = await invoke(JSON.stringify({ prompt: '' }), 'application/json', { 'cf-connecting-ip': client })
      if (res.status === 429) limited = res
      else expect(res.status).toBe(400)
    }
    expect(limited).toBeDefined()
    expect(limited!.headers.get('retry-after')).toBe('60')
    expect(await limited!.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } })
  })
})
