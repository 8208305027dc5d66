import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_PROMPT_CHARS, MAX_HISTORY_CHARS, maxUpstreamBodyBytes } from '../../protocol/request'
import { parseCancel, parseInvoke, routeOf } from './parse-request'
import { proxyEvent } from './test/proxy-event'

const SESSION = 'abcdefghij-abcdefghij-abcdefghij-123'
const LIMIT = DEFAULT_MAX_PROMPT_CHARS

describe('routing', () => {
  it('routes by resource, else by the last path segment', () => {
    expect(routeOf(proxyEvent({ resource: '/invoke' }))).toEqual({ ok: true, value: 'invoke' })
    expect(routeOf(proxyEvent({ resource: '/cancel' }))).toEqual({ ok: true, value: 'cancel' })
    expect(routeOf({ resource: '/{proxy+}', path: '/v1/cancel/', httpMethod: 'POST' })).toEqual({ ok: true, value: 'cancel' })
  })
  it('404 for other paths, 405 for other methods', () => {
    expect(routeOf(proxyEvent({ resource: '/other' }))).toMatchObject({ ok: false, status: 404, code: 'not_found' })
    expect(routeOf(proxyEvent({ httpMethod: 'GET' }))).toMatchObject({ ok: false, status: 405, code: 'method_not_allowed' })
  })
})

describe('POST /invoke bodies', () => {
  it('accepts JSON, base64 JSON and form bodies', () => {
    expect(parseInvoke(proxyEvent({ json: { prompt: 'hi', sessionId: SESSION } }), LIMIT)).toEqual({ ok: true, value: { prompt: 'hi', sessionId: SESSION } })
    const b64 = proxyEvent({ body: Buffer.from(JSON.stringify({ prompt: 'héllo' })).toString('base64'), isBase64Encoded: true })
    expect(parseInvoke(b64, LIMIT)).toEqual({ ok: true, value: { prompt: 'héllo', sessionId: undefined } })
    const form = proxyEvent({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'prompt=a+b%21' })
    expect(parseInvoke(form, LIMIT)).toEqual({ ok: true, value: { prompt: 'a b!', sessionId: undefined } })
  })

  it('refuses like the edge does', () => {
    expect(parseInvoke(proxyEvent({ body: '{nope' }), LIMIT)).toMatchObject({ status: 400, code: 'invalid_json' })
    expect(parseInvoke(proxyEvent({ json: { prompt: '  ' } }), LIMIT)).toMatchObject({ status: 400, code: 'prompt_required' })
    expect(parseInvoke(proxyEvent({ json: { prompt: 7 } }), LIMIT)).toMatchObject({ status: 400, code: 'invalid_request' })
    expect(parseInvoke(proxyEvent({ json: ['x'] }), LIMIT)).toMatchObject({ status: 400, code: 'invalid_request' })
    expect(parseInvoke(proxyEvent({ json: { prompt: 'x'.repeat(16_001) } }), LIMIT)).toMatchObject({ status: 413, code: 'prompt_too_large' })
    expect(parseInvoke(proxyEvent({ json: { prompt: 'x', sessionId: 'short' } }), LIMIT)).toMatchObject({ status: 400, code: 'invalid_session_id' })
    expect(parseInvoke(proxyEvent({ headers: { 'content-type': 'text/plain' }, body: 'hi' }), LIMIT)).toMatchObject({ status: 415, code: 'unsupported_media_type' })
    expect(parseInvoke(proxyEvent({ headers: {}, body: '{"prompt":"x"}' }), LIMIT)).toMatchObject({ status: 415 })
    expect(parseInvoke(proxyEvent({ body: 'x'.repeat(maxUpstreamBodyBytes(LIMIT) + 1) }), LIMIT)).toMatchObject({ status: 413, code: 'payload_too_large' })
    const badUtf8 = proxyEvent({ body: Buffer.from([0x7b, 0xff, 0x7d]).toString('base64'), isBase64Encoded: true })
    expect(parseInvoke(badUtf8, LIMIT)).toMatchObject({ status: 400, code: 'invalid_request' })
  })

  it('takes the edge’s userId and history, and refuses them when AgentCore or the agent could not use them', () => {
    const history = [
      { role: 'user', text: 'q1' },
      { role: 'assistant', text: 'a1' },
    ]
    expect(parseInvoke(proxyEvent({ json: { prompt: 'hi', sessionId: SESSION, userId: 'anon_1', history } }), LIMIT)).toEqual({
      ok: true,
      value: { prompt: 'hi', sessionId: SESSION, userId: 'anon_1', history },
    })
    for (const userId of ['', 'u'.repeat(129), 'with space', 'ünïcode', 7]) {
      expect(parseInvoke(proxyEvent({ json: { prompt: 'hi', userId } }), LIMIT)).toMatchObject({ ok: false, status: 400, code: 'invalid_request' })
    }
    const tooLong = [{ role: 'user', text: 'x'.repeat(MAX_HISTORY_CHARS + 1) }]
    for (const bad of [[{ role: 'system', text: 'x' }], [{ role: 'user' }], 'x', tooLong, Array.from({ length: 201 }, () => ({ role: 'user', text: 'x' }))]) {
      expect(parseInvoke(proxyEvent({ json: { prompt: 'hi', history: bad } }), LIMIT)).toMatchObject({ ok: false, status: 400, code: 'invalid_request' })
    }
    // The largest history the edge may send fits the body limit in its worst encoding.
    const largest = [{ role: 'user', text: '😀'.repeat(MAX_HISTORY_CHARS) }]
    const body = JSON.stringify({ prompt: '😀'.repeat(LIMIT), replaces: '😀'.repeat(LIMIT), history: largest }).replace(/[\u{10000}-\u{10FFFF}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16)}\\u${c.charCodeAt(1).toString(16)}`)
    expect(parseInvoke(proxyEvent({ body }), LIMIT)).toMatchObject({ ok: true })
  })

  it('takes the conversation’s firstEventId (a positive whole number) and refuses anything else', () => {
    expect(parseInvoke(proxyEvent({ json: { prompt: 'hi', firstEventId: 42 } }), LIMIT)).toEqual({ ok: true, value: { prompt: 'hi', firstEventId: 42 } })
    for (const firstEventId of [0, -1, 1.5, '42', null, Number.MAX_SAFE_INTEGER + 2]) {
      expect(parseInvoke(proxyEvent({ json: { prompt: 'hi', firstEventId } }), LIMIT)).toMatchObject({ ok: false, status: 400, code: 'invalid_request' })
    }
  })

  it('a lower prompt limit (MAX_PROMPT_CHARS) narrows it, counted in characters', () => {
    expect(parseInvoke(proxyEvent({ json: { prompt: '123456' } }), 5)).toMatchObject({ status: 413, code: 'prompt_too_large' })
    expect(parseInvoke(proxyEvent({ json: { prompt: '👋👋👋👋👋' } }), 5)).toMatchObject({ ok: true })
  })
})

describe('POST /cancel bodies', () => {
  it('needs a valid session id', () => {
    expect(parseCancel(proxyEvent({ resource: '/cancel', json: { sessionId: SESSION } }), LIMIT)).toEqual({ ok: true, value: { sessionId: SESSION } })
    expect(parseCancel(proxyEvent({ resource: '/cancel', json: {} }), LIMIT)).toMatchObject({ status: 400, code: 'invalid_session_id' })
    expect(parseCancel(proxyEvent({ resource: '/cancel', json: 'x' }), LIMIT)).toMatchObject({ status: 400, code: 'invalid_request' })
  })
})
