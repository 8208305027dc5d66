/**
 * The bundled proxy (dist/index.mjs, as deployed) under AWS's runtime client, aws-lambda-ric, through
 * the local Runtime API, against a scripted AgentCore.
 */
import { arrayBuffer } from 'node:stream/consumers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LambdaPool } from '../local/lambda-runtime'
import { PING } from '../../protocol/events'
import { AGENT_ERROR_MESSAGE } from './agent-events'
import { proxyEvent } from './test/proxy-event'
import { collect, readFunctionResponse, readResponse } from './test/read-function-response'
import type { ScriptedAgentCore } from './test/scripted-agentcore'
import { startProxy, TEST_AGENT_RUNTIME_ARN, type RunningProxy } from './test/start-proxy'

const SESSION = 'test-session-0123456789-0123456789-0123'
const data = (v: unknown) => `data: ${JSON.stringify(v)}\n\n`
/** One of the protocol's events, as this project's agent sends it. */
const event = (type: string, v: unknown) => `event: ${type}\n${data(v)}`

let proxy: RunningProxy
let agent: ScriptedAgentCore
let pool: LambdaPool
let logs: string[]

beforeAll(async () => {
  proxy = await startProxy({ warm: 1, maxConcurrency: 6 }, { HEARTBEAT_MS: '100', CANCEL_TIMEOUT_MS: '300' })
  ;({ agent, pool, logs } = proxy)
})
afterAll(() => proxy?.stop())

const invoke = (json: unknown, extra: Parameters<typeof proxyEvent>[0] = {}) => pool.invoke(proxyEvent({ json, ...extra }))

describe('the Lambda proxy under aws-lambda-ric', () => {
  it('streams the exact prelude, the 8-NUL delimiter, meta first and done last', async () => {
    agent.scripts.set('prelude', { steps: [{ send: event('text', { text: 'Hi' }) }, { send: event('done', { stopReason: 'end_turn' }) }] })
    const res = await invoke({ prompt: 'prelude', sessionId: SESSION })
    expect(res.mode).toBe('streaming')
    expect(res.contentType).toBe('application/vnd.awslambda.http-integration-response')
    const bytes = new Uint8Array(await arrayBuffer(res.body))
    const prelude = JSON.stringify({
      statusCode: 200,
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        'X-Session-Id': SESSION,
        'X-Request-Id': res.requestId,
      },
    })
    const expected =
      prelude +
      '\0'.repeat(8) +
      `event: meta\ndata: ${JSON.stringify({ sessionId: SESSION, requestId: res.requestId })}\n\n` +
      'event: text\ndata: {"text":"Hi"}\n\n' +
      'event: done\ndata: {"stopReason":"end_turn"}\n\n'
    // Heartbeats (every 100 ms of silence here) may fall anywhere after meta; everything else is exact.
    expect(new TextDecoder().decode(bytes).replaceAll(PING, '')).toBe(expected)
    expect(await res.outcome).toEqual({ ok: true })
    const call = agent.calls.find((c) => c.op === 'invoke' && (c.body as { prompt: string }).prompt === 'prelude')
    expect(call).toMatchObject({ arn: TEST_AGENT_RUNTIME_ARN, qualifier: 'DEFAULT', sessionId: SESSION, body: { prompt: 'prelude' } })
  })

  it('numbers every event from the conversation’s firstEventId, says so in X-First-Event-Id, and leaves heartbeats without ids', async () => {
    agent.scripts.set('numbered', { steps: [{ send: event('text', { text: 'Hi' }) }, { wait: 250 }, { send: event('done', { stopReason: 'end_turn' }) }] })
    const res = await invoke({ prompt: 'numbered', sessionId: SESSION, firstEventId: 41 })
    const text = new TextDecoder().decode(new Uint8Array(await arrayBuffer(res.body)))
    const [prelude, body] = text.split('\0'.repeat(8))
    expect(JSON.parse(prelude).headers).toMatchObject({ 'X-First-Event-Id': '41' })
    // 250 ms of silence at HEARTBEAT_MS=100: pings came, none numbered.
    expect(body).toContain(PING)
    expect(body.replaceAll(PING, '')).toBe(
      `id: 41\nevent: meta\ndata: ${JSON.stringify({ sessionId: SESSION, requestId: res.requestId })}\n\n` +
        'id: 42\nevent: text\ndata: {"text":"Hi"}\n\n' +
        'id: 43\nevent: done\ndata: {"stopReason":"end_turn"}\n\n',
    )
  })

  it('answers bad input with a real status and a JSON error body', async () => {
    const cases: Array<[Parameters<typeof proxyEvent>[0], number, string]> = [
      [{ body: '{oops' }, 400, 'invalid_json'],
      [{ json: { prompt: '' } }, 400, 'prompt_required'],
      [{ json: { prompt: 'x', sessionId: 'bad id' } }, 400, 'invalid_session_id'],
      [{ json: { prompt: 'x'.repeat(16_001) } }, 413, 'prompt_too_large'],
      [{ json: { prompt: 'x' }, headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type'],
      [{ json: { prompt: 'x' }, resource: '/nope' }, 404, 'not_found'],
      [{ json: { prompt: 'x' }, httpMethod: 'GET' }, 405, 'method_not_allowed'],
      [{ json: {}, resource: '/cancel' }, 400, 'invalid_session_id'],
    ]
    for (const [event, status, code] of cases) {
      const { prelude, text } = await readResponse((await pool.invoke(proxyEvent(event))).body)
      expect(prelude.statusCode, code).toBe(status)
      expect(prelude.headers['Content-Type']).toBe('application/json')
      expect(JSON.parse(text)).toEqual({ error: { code, message: expect.any(String) } })
    }
    expect(agent.calls.filter((c) => c.op === 'invoke' && (c.body as { prompt: string }).prompt === 'x')).toEqual([])
  })

  it('accepts a base64-encoded body', async () => {
    const body = Buffer.from(JSON.stringify({ prompt: 'base64 prompt' })).toString('base64')
    const { prelude, events } = await collect((await pool.invoke(proxyEvent({ body, isBase64Encoded: true }))).body)
    expect(prelude?.statusCode).toBe(200)
    expect(events.map((e) => e.type)).toEqual(['meta', 'text', 'done'])
    expect(events[0]!.data.sessionId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('delivers each event while the agent is still answering', async () => {
    const steps = [
      { send: event('text', { text: 'one ' }) },
      { gate: 'inc-1' },
      { send: event('text', { text: 'two ' }) },
      { gate: 'inc-2' },
      { send: event('text', { text: 'three' }) },
    ]
    agent.scripts.set('incremental', { steps })
    const res = await invoke({ prompt: 'incremental' })
    const texts: string[] = []
    // The agent only goes on once the text before has reached the caller: a buffering hop would hang here.
    for await (const item of readFunctionResponse(res.body)) {
      if (item.kind !== 'event') continue
      if (item.type === 'text') {
        texts.push(item.data.text)
        if (texts.length <= 2) agent.release(`inc-${texts.length}`)
      }
      if (item.type === 'done') expect(item.data).toEqual({ stopReason: 'end_turn' })
    }
    expect(texts).toEqual(['one ', 'two ', 'three'])
  })

  it("passes our events through and normalizes other frameworks' shapes", async () => {
    agent.scripts.set('shapes', {
      steps: [
        { send: data('python string ') },
        { send: 'data: ts raw string \n\n' },
        { send: event('text', { text: 'ours ' }) },
        { send: data({ type: 'modelStreamUpdateEvent', event: { type: 'modelContentBlockDeltaEvent', delta: { type: 'textDelta', text: 'ts strands ' } } }) },
        { send: data({ event: { contentBlockDelta: { delta: { text: 'strands' } } } }) },
        { send: data("{'data': 'strands', 'delta': {'text': 'strands'}, 'agent': <strands.agent.agent.Agent object at 0x7f2f2923cc50>}") },
        { send: data({ event: { contentBlockStart: { start: { toolUse: { name: 'calc', toolUseId: 'c1' } } } } }) },
        { send: event('tool', { name: 'calc', status: 'end', id: 'c1' }) },
        { send: data({ unknown: 'shape' }) },
        { send: data({ event: { metadata: { usage: { inputTokens: 1, outputTokens: 2 } } } }) },
        { send: data({ event: { messageStop: { stopReason: 'max_tokens' } } }) },
      ],
    })
    const { events } = await collect((await invoke({ prompt: 'shapes' })).body)
    expect(events.slice(1)).toEqual([
      { type: 'text', data: { text: 'python string ' } },
      { type: 'text', data: { text: 'ts raw string ' } },
      { type: 'text', data: { text: 'ours ' } },
      { type: 'text', data: { text: 'ts strands ' } },
      { type: 'text', data: { text: 'strands' } },
      { type: 'tool', data: { name: 'calc', status: 'start', id: 'c1' } },
      { type: 'tool', data: { name: 'calc', status: 'end', id: 'c1' } },
      { type: 'usage', data: { inputTokens: 1, outputTokens: 2 } },
      { type: 'done', data: { stopReason: 'max_tokens' } },
    ])
    // Log lines come over the process's stdout, not in step with the response: wait for them.
    await expect.poll(() => logs.some((l) => l.includes('agent_shape_skipped') && l.includes('object{unknown}'))).toBe(true)
  })

  it("maps a non-streaming agent's JSON answer", async () => {
    agent.scripts.set('json agent', { contentType: 'application/json', steps: [{ send: JSON.stringify('plain answer') }] })
    const { events } = await collect((await invoke({ prompt: 'json agent' })).body)
    expect(events.slice(1)).toEqual([
      { type: 'text', data: { text: 'plain answer' } },
      { type: 'done', data: { stopReason: 'end_turn' } },
    ])
  })

  it('an agent failure mid-stream becomes an error event, then done', async () => {
    agent.scripts.set('py failure', {
      steps: [{ send: event('text', { text: 'partial' }) }, { send: data({ error: 'Traceback: /srv/secret.py', error_type: 'ValueError', message: 'An error occurred' }) }],
    })
    const py = await collect((await invoke({ prompt: 'py failure' })).body)
    expect(py.events.slice(1)).toEqual([
      { type: 'text', data: { text: 'partial' } },
      { type: 'error', data: { code: 'agent_error', message: AGENT_ERROR_MESSAGE, retryable: false } },
      { type: 'done', data: { stopReason: 'error' } },
    ])

    agent.scripts.set('crash', { steps: [{ send: event('text', { text: 'partial' }) }, { wait: 50 }, { destroy: true }] })
    const crash = await collect((await invoke({ prompt: 'crash' })).body)
    expect(crash.events.slice(1)).toEqual([
      { type: 'text', data: { text: 'partial' } },
      { type: 'error', data: { code: 'stream_interrupted', message: expect.any(String), retryable: true } },
      { type: 'done', data: { stopReason: 'error' } },
    ])

    agent.scripts.set('not found', { status: 404, errorType: 'ResourceNotFoundException', steps: [] })
    const missing = await collect((await invoke({ prompt: 'not found' })).body)
    expect(missing.events.slice(1)).toEqual([
      { type: 'error', data: { code: 'agent_unavailable', message: 'The agent is not deployed.', retryable: false } },
      { type: 'done', data: { stopReason: 'error' } },
    ])
    expect(JSON.stringify([py, crash, missing])).not.toMatch(/secret|fake upstream detail|Traceback/)
  })

  it('sends heartbeat comments while the agent is silent (HEARTBEAT_MS=100)', async () => {
    agent.scripts.set('silent', { steps: [{ send: event('text', { text: 'a' }) }, { wait: 550 }, { send: event('text', { text: 'b' }) }] })
    const { items } = await collect((await invoke({ prompt: 'silent' })).body)
    const kinds = items.map((i) => (i.kind === 'event' ? i.type : i.kind))
    const between = kinds.slice(kinds.indexOf('text') + 1, kinds.lastIndexOf('text'))
    expect(between.length).toBeGreaterThanOrEqual(2)
    expect(new Set(between)).toEqual(new Set(['ping']))
  })

  it('runs concurrent invocations in a pool that grows on demand', async () => {
    const n = 4
    for (let i = 0; i < n; i++) agent.scripts.set(`conc ${i}`, { steps: [{ gate: 'conc' }, { send: event('text', { text: `answer ${i}` }) }] })
    const before = pool.stats().spawned
    const responses = await Promise.all(Array.from({ length: n }, (_, i) => invoke({ prompt: `conc ${i}` })))
    // All n are running at once (each holds a process until the agent answers).
    expect(pool.stats().busy).toBeGreaterThanOrEqual(n)
    agent.release('conc')
    const results = await Promise.all(responses.map((r) => collect(r.body)))
    results.forEach((r, i) => expect(r.events.find((e) => e.type === 'text')?.data).toEqual({ text: `answer ${i}` }))
    expect(new Set(responses.map((r) => r.requestId)).size).toBe(n)
    expect(pool.stats().spawned).toBeGreaterThanOrEqual(Math.max(before, n))
  })

  it('/cancel sends the cancel invocation to the session', async () => {
    agent.cancelMode = 'answer'
    const { prelude, text } = await readResponse((await pool.invoke(proxyEvent({ resource: '/cancel', json: { sessionId: SESSION } }))).body)
    expect(prelude.statusCode).toBe(200)
    expect(JSON.parse(text)).toEqual({ cancelled: true, method: 'signal' })
    expect(agent.calls.filter((c) => c.op === 'cancel' && c.sessionId === SESSION).at(-1)).toMatchObject({ body: { type: 'cancel' }, qualifier: 'DEFAULT' })
  })

  it('/cancel falls back to StopRuntimeSession when the agent does not answer', async () => {
    agent.cancelMode = 'hang'
    const session = 'fallback-session-0123456789-0123456789'
    try {
      const { text } = await readResponse((await pool.invoke(proxyEvent({ resource: '/cancel', json: { sessionId: session } }))).body)
      expect(JSON.parse(text)).toEqual({ cancelled: true, method: 'stop_session' })
      expect(agent.calls.filter((c) => c.sessionId === session).map((c) => c.op)).toEqual(['cancel', 'stop'])
    } finally {
      agent.cancelMode = 'answer'
    }
  })

  it('/cancel answers 404 {"cancelled": false} when the agent says no turn was running, and stops no session', async () => {
    agent.cancelMode = 'idle'
    const session = 'idle-session-0123456789-0123456789-ab'
    try {
      const { prelude, text } = await readResponse((await pool.invoke(proxyEvent({ resource: '/cancel', json: { sessionId: session } }))).body)
      expect(prelude.statusCode).toBe(404)
      expect(JSON.parse(text)).toEqual({ cancelled: false })
      expect(agent.calls.filter((c) => c.sessionId === session).map((c) => c.op)).toEqual(['cancel'])
    } finally {
      agent.cancelMode = 'answer'
    }
  })

  it('/cancel answers 404 {"cancelled": false} when StopRuntimeSession does not know the session (ResourceNotFoundException)', async () => {
    agent.cancelMode = 'hang'
    agent.stopMode = 'missing'
    const session = 'gone-session-0123456789-0123456789-abc'
    try {
      const { prelude, text } = await readResponse((await pool.invoke(proxyEvent({ resource: '/cancel', json: { sessionId: session } }))).body)
      expect(prelude.statusCode).toBe(404)
      expect(JSON.parse(text)).toEqual({ cancelled: false })
      expect(agent.calls.filter((c) => c.sessionId === session).map((c) => c.op)).toEqual(['cancel', 'stop'])
    } finally {
      agent.cancelMode = 'answer'
      agent.stopMode = 'ok'
    }
  })

  it('/cancel answers 502 when neither the cancel nor StopRuntimeSession works', async () => {
    agent.cancelMode = 'hang'
    agent.stopMode = 'fail'
    try {
      const { prelude, text } = await readResponse((await pool.invoke(proxyEvent({ resource: '/cancel', json: { sessionId: SESSION } }))).body)
      expect(prelude.statusCode).toBe(502)
      expect(JSON.parse(text)).toEqual({ error: { code: 'upstream_error', message: expect.any(String) } })
    } finally {
      agent.cancelMode = 'answer'
      agent.stopMode = 'ok'
    }
  })

  it('logs structured lines without the prompt text', async () => {
    const secret = 'my very private prompt 8f3a'
    const { events } = await collect((await invoke({ prompt: secret })).body)
    const requestId = events[0]!.data.requestId
    // invoke_end is the invocation's last line; it comes over stdout, not in step with the response.
    await expect.poll(() => logs.some((l) => l.includes('invoke_end') && l.includes(requestId))).toBe(true)
    const mine = logs.filter((l) => l.includes('invoke_start') || l.includes('invoke_end'))
    expect(mine.length).toBeGreaterThanOrEqual(2)
    for (const l of mine) expect(() => JSON.parse(l)).not.toThrow()
    expect(logs.join('\n')).not.toContain(secret)
    expect(mine.some((l) => JSON.parse(l).promptChars === secret.length)).toBe(true)
  })
})
