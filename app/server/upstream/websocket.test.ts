import { describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { readConfig } from '../config'
import { awsVars, marker } from '../../test/upstream-client'
import { upstreamFor } from '.'
import type { WebSocketSeen } from '../../../test-support/test-websocket-api'

// The WebSocket API emulator (aws/local/websocket-api) with a scripted function: test-support/test-websocket-api.ts.
const config = (overrides: Record<string, string> = {}) =>
  readConfig({ UPSTREAM_KIND: 'websocket', UPSTREAM_URL: inject('webSocketUrl'), UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1000', ...awsVars(), ...overrides })
const seen = async (m: string): Promise<WebSocketSeen> => (await fetch(`${inject('webSocketSeenUrl')}?marker=${m}`)).json()
const sessionId = () => `s${crypto.randomUUID().replaceAll('-', '')}`.padEnd(40, 'x')

describe('websocket upstream (in workerd, against the WebSocket API emulator)', () => {
  it('opens a SigV4-signed WebSocket, sends invoke and re-streams the posted messages as SSE, Japanese and emoji intact', async () => {
    const m = marker()
    const result = await upstreamFor(config()).open({ prompt: `answer:${m}`, sessionId: sessionId() }, new AbortController().signal)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const text = await new Response(result.body).text()
    expect(text).toMatch(/^event: meta\n/)
    expect(text).toContain('data: {"text":"こんにちは "}')
    expect(text).toContain('data: {"text":"世界 🎉"}')
    expect(text.trimEnd()).toMatch(/event: done\ndata: \{"stopReason":"end_turn"\}$/)
    expect(await seen(m)).toMatchObject({ invokes: 1, posts: 2 })
  })

  it('a wrong secret key is refused at the upgrade: 502 upstream_auth, and no function runs', async () => {
    const m = marker()
    const result = await upstreamFor(config({ UPSTREAM_AWS_SECRET_ACCESS_KEY: 'not-the-secret' })).open({ prompt: `answer:${m}`, sessionId: sessionId() }, new AbortController().signal)
    expect(result).toMatchObject({ ok: false, status: 502, code: 'upstream_auth' })
    expect(await seen(m)).toMatchObject({ invokes: 0 })
  })

  it('no message within the first-byte timeout is 504 upstream_timeout (the agent may run: mayRun)', async () => {
    const result = await upstreamFor(config({ UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '300' })).open({ prompt: `hang:${marker()}`, sessionId: sessionId() }, new AbortController().signal)
    expect(result).toMatchObject({ ok: false, status: 504, code: 'upstream_timeout', mayRun: true })
  })

  it('a failing function (API Gateway’s "Internal server error" notice) is 502 upstream_error before the first byte', async () => {
    const result = await upstreamFor(config()).open({ prompt: `fail:${marker()}`, sessionId: sessionId() }, new AbortController().signal)
    expect(result).toMatchObject({ ok: false, status: 502, code: 'upstream_error' })
  })

  it('the connection closing before done ends the answer with an error event and done', async () => {
    const result = await upstreamFor(config()).open({ prompt: `cut:${marker()}`, sessionId: sessionId() }, new AbortController().signal)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const text = await new Response(result.body).text()
    expect(text).toContain('data: {"text":"half"}')
    expect(text).toMatch(/event: error\ndata: \{"code":"upstream_error","message":"The connection to the agent closed before the answer ended.","retryable":true\}\n\nevent: done\ndata: \{"stopReason":"error"\}\n\n$/)
  })

  it('aborting sends cancel on the socket; cancel(sessionId) gets the cancel route’s answer; the function stops posting', async () => {
    const m = marker()
    const id = sessionId()
    const upstream = upstreamFor(config())
    const abort = new AbortController()
    const result = await upstream.open({ prompt: `forever:${m}`, sessionId: id }, abort.signal)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const reader = result.body.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('event: meta')
    abort.abort()
    expect(await upstream.cancel(id)).toEqual({ status: 200, cancelled: true, method: 'signal' })
    await expect.poll(async () => (await seen(m)).cancels).toBe(1)
    // The scripted function ends its loop on the cancel (or on GoneException once the socket closed).
    const posts = (await seen(m)).posts
    await new Promise((r) => setTimeout(r, 300))
    expect((await seen(m)).posts - posts).toBeLessThanOrEqual(1)
  })

  it('an answer outlives the first-byte timeout and API Gateway’s integration timeout (its notice is skipped)', async () => {
    const m = marker()
    const upstream = upstreamFor(config({ UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '200' }))
    const result = await upstream.open({ prompt: `forever:${m}`, sessionId: sessionId() }, new AbortController().signal)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const reader = result.body.getReader()
    let text = ''
    // 20 ticks at 50 ms: past the 200 ms first-byte timeout and the emulator's 500 ms integration timeout.
    while ((text.match(/event: text/g) ?? []).length < 20) {
      const { value, done } = await reader.read()
      expect(done).toBe(false)
      text += new TextDecoder().decode(value)
    }
    expect(text).not.toContain('event: error')
    expect(text).not.toContain('timed out')
    await reader.cancel()
  })

  it('cancel(sessionId) with no open answer uses a connection of its own', async () => {
    expect(await upstreamFor(config()).cancel(sessionId())).toEqual({ status: 200, cancelled: true, method: 'signal' })
  })

  it('UPSTREAM_URL must be ws(s) for websocket and http(s) for the others', () => {
    expect(() => readConfig({ UPSTREAM_KIND: 'websocket', UPSTREAM_URL: 'https://x.example/v1', ...awsVars() })).toThrow(/UPSTREAM_URL must be a wss:\/\//)
    expect(() => readConfig({ UPSTREAM_KIND: 'rest', UPSTREAM_URL: 'wss://x.example/v1', UPSTREAM_API_KEY: 'k', ...awsVars() })).toThrow(/UPSTREAM_URL must be an http\(s\) URL/)
  })
})
