/**
 * The proxy bundle under aws-lambda-ric reached the other ways (./incoming.ts): a direct
 * InvokeWithResponseStream / Invoke with the raw payload (no HTTP, so no prelude), and a Function URL
 * event in payload format 2.0 (built by the Function URL emulator's own builder).
 */
import { text as readText } from 'node:stream/consumers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildFunctionUrlEvent } from '../local/function-url/event'
import { collect, readResponse } from './test/read-function-response'
import { startProxy, type RunningProxy } from './test/start-proxy'
import { createParser } from 'eventsource-parser'

const SESSION = 'sources-session-0123456789-0123456789'
let proxy: RunningProxy

beforeAll(async () => {
  proxy = await startProxy({ warm: 1, maxConcurrency: 3 }, { CANCEL_TIMEOUT_MS: '300' })
})
afterAll(() => proxy?.stop())

async function rawEvents(body: ReadableStream<Uint8Array>) {
  const text = await readText(body)
  const events: Array<{ type: string; data: any }> = []
  createParser({ onEvent: (e) => events.push({ type: e.event ?? 'message', data: JSON.parse(e.data) }) }).feed(text)
  return { text, events }
}

function functionUrlEvent(path: string, json: unknown, method = 'POST') {
  return buildFunctionUrlEvent(
    { urlId: 'abcdefghijklmnopqrstuvwxyz012345', region: 'us-east-1' },
    {
      method,
      path,
      query: '',
      rawHeaders: ['Content-Type', 'application/json', 'Host', 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws'],
      body: new TextEncoder().encode(JSON.stringify(json)),
      sourceIp: '127.0.0.1',
      requestId: 'url-request-id',
      now: new Date(),
      iam: { accessKey: 'AKIDLOCAL', accountId: '123456789012', callerId: 'AIDALOCAL', userArn: 'arn:aws:iam::123456789012:user/edge', userId: 'AIDALOCAL' },
    },
  )
}

describe('the proxy invoked directly (InvokeWithResponseStream payload)', () => {
  it('streams the events themselves: text/event-stream, no prelude, meta first and done last', async () => {
    const res = await proxy.pool.invoke({ action: 'invoke', prompt: 'direct こんにちは 🌊', sessionId: SESSION })
    expect(res.mode).toBe('streaming')
    expect(res.contentType).toBe('text/event-stream; charset=utf-8')
    const { text, events } = await rawEvents(res.body)
    expect(text.startsWith('event: meta\n')).toBe(true)
    expect(events[0]).toEqual({ type: 'meta', data: { sessionId: SESSION, requestId: res.requestId } })
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
    expect(proxy.agent.calls.find((c) => c.op === 'invoke' && (c.body as { prompt: string }).prompt === 'direct こんにちは 🌊')).toMatchObject({ sessionId: SESSION })
    // `action` defaults to invoke.
    const implicit = await rawEvents((await proxy.pool.invoke({ prompt: 'no action' })).body)
    expect(implicit.events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
  })

  it('refuses bad input with error and done events (a direct caller gets no status), never reaching the agent', async () => {
    for (const [payload, code] of [
      [{ action: 'invoke', prompt: '' }, 'prompt_required'],
      [{ action: 'invoke', prompt: 'bad session', sessionId: 'short' }, 'invalid_session_id'],
      [{ action: 'dance' }, 'not_found'],
      ['just a string', 'invalid_request'],
    ] as const) {
      const { events } = await rawEvents((await proxy.pool.invoke(payload)).body)
      expect(events, code).toEqual([
        { type: 'error', data: { code, message: expect.any(String), retryable: false } },
        { type: 'done', data: { stopReason: 'error' } },
      ])
    }
    expect(proxy.agent.calls.some((c) => (c.body as { prompt?: string }).prompt === 'bad session')).toBe(false)
  })

  it('cancel answers JSON {cancelled, method}', async () => {
    proxy.agent.cancelMode = 'answer'
    const res = await proxy.pool.invoke({ action: 'cancel', sessionId: SESSION })
    expect(res.contentType).toBe('application/json')
    expect(JSON.parse(await readText(res.body))).toEqual({ cancelled: true, method: 'signal' })
    const bad = await proxy.pool.invoke({ action: 'cancel', sessionId: 'x' })
    expect(JSON.parse(await readText(bad.body))).toEqual({ error: { code: 'invalid_session_id', message: expect.any(String) } })
  })
})

describe('the proxy behind a Function URL (payload format 2.0)', () => {
  it('streams the prelude and the events for POST /invoke', async () => {
    const { prelude, events } = await collect((await proxy.pool.invoke(functionUrlEvent('/invoke', { prompt: 'url prompt', sessionId: SESSION }))).body)
    expect(prelude).toMatchObject({ statusCode: 200, headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'X-Session-Id': SESSION } })
    expect(events.map((e) => e.type)).toEqual(['meta', 'text', 'done'])
  })

  it('routes by path and method, with real statuses', async () => {
    for (const [path, method, json, status, code] of [
      ['/nope', 'POST', { prompt: 'x' }, 404, 'not_found'],
      ['/invoke', 'GET', { prompt: 'x' }, 405, 'method_not_allowed'],
      ['/invoke', 'POST', { prompt: '' }, 400, 'prompt_required'],
    ] as const) {
      const { prelude, text } = await readResponse((await proxy.pool.invoke(functionUrlEvent(path, json, method))).body)
      expect(prelude.statusCode, code).toBe(status)
      expect(JSON.parse(text)).toEqual({ error: { code, message: expect.any(String) } })
    }
    const cancelled = await readResponse((await proxy.pool.invoke(functionUrlEvent('/cancel', { sessionId: SESSION }))).body)
    expect(JSON.parse(cancelled.text)).toEqual({ cancelled: true, method: 'signal' })
  })
})
