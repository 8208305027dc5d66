/**
 * The whole AWS side locally: API Gateway emulator → the real Lambda bundle under aws-lambda-ric →
 * AgentCore emulator → the agent on the offline model.
 */
import { InvokeCommand, InvokeWithResponseStreamCommand, LambdaClient } from '@aws-sdk/client-lambda'
import { createParser } from 'eventsource-parser'
import { AwsClient } from 'aws4fetch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readConfig } from '../../app/server/config'
import { composeAnswer } from '../agent/offline-answer'
import { startApiWorker } from '../../test-support/api-worker'
import { invokeStreamUpstream } from '../../app/server/upstream/invoke-stream'
import { startLocalCloud, type LocalCloud } from './cloud'
import { workerVarsFor } from './worker-vars'

let cloud: LocalCloud

beforeAll(async () => {
  cloud = await startLocalCloud({ agent: { offline: { firstTokenMs: 50, tokensPerSecond: 200 } } })
})
afterAll(() => cloud?.stop())

const SESSION = 'cloud-test-session-' + 'x'.repeat(20)

/** Signed as the Worker signs (aws4fetch, service execute-api) with the Worker's local keys. */
function signedPost(url: string, body: unknown, key = cloud.apiKey) {
  return cloud.workerFetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': key },
    body: JSON.stringify(body),
  })
}

const invoke = (body: unknown, key?: string) => signedPost(cloud.invokeUrl, body, key)

/** The events of a complete SSE body (eventsource-parser: multi-line data, CRLF, comments). */
function eventsOf(sse: string): Array<{ type: string; data: unknown }> {
  const events: Array<{ type: string; data: unknown }> = []
  createParser({ onEvent: (e) => events.push({ type: e.event ?? 'message', data: JSON.parse(e.data) }) }).feed(sse)
  return events
}

describe('local cloud', () => {
  it('streams an answer through every hop: meta first, text, done last', async () => {
    const res = await invoke({ prompt: 'Tell me about streams', sessionId: SESSION })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const events = eventsOf(await res.text())
    expect(events[0]).toMatchObject({ type: 'meta', data: { sessionId: SESSION } })
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(1)
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
    // The agent really received the turn on that session.
    expect(cloud.agentCore.events).toContainEqual(expect.objectContaining({ type: 'invoke', sessionId: SESSION }))
    expect(cloud.agent.sessions.peek(SESSION)?.turn?.running).toBe(false)
  })

  it('refuses a wrong API key with API Gateway body, before the Lambda runs', async () => {
    const before = cloud.lambda.stats().invocations
    const res = await invoke({ prompt: 'hi', sessionId: SESSION }, 'wrong-key')
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ message: 'Forbidden' })
    expect(cloud.lambda.stats().invocations).toBe(before)
  })

  it('refuses a body the API model refuses (a blank prompt) with 400 before the Lambda runs', async () => {
    const before = cloud.lambda.stats().invocations
    const res = await invoke({ prompt: '   ', sessionId: SESSION })
    expect([res.status, await res.json()]).toEqual([400, { message: 'Invalid request body' }])
    expect(cloud.lambda.stats().invocations).toBe(before)
  })

  it('refuses an unsigned request (IAM authorization) before the Lambda runs, API key or not', async () => {
    const before = cloud.lambda.stats().invocations
    const res = await fetch(cloud.invokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': cloud.apiKey },
      body: JSON.stringify({ prompt: 'hi', sessionId: SESSION }),
    })
    expect([res.status, res.headers.get('x-amzn-errortype'), await res.json()]).toEqual([
      403,
      'MissingAuthenticationTokenException',
      { message: 'Missing Authentication Token' },
    ])
    expect(cloud.lambda.stats().invocations).toBe(before)
  })

  it('cancels a running answer through POST /v1/cancel: the agent turn ends cancelled', async () => {
    const session = 'cloud-cancel-session-' + 'y'.repeat(20)
    // Long enough (15 s at 200 tokens/s) that the cancel, which may need a second Lambda environment started cold, comes first.
    const res = await invoke({ prompt: 'Write a long essay about rivers words:3000', sessionId: session })
    const reader = res.body!.getReader()
    let seen = ''
    while (!seen.includes('event: text')) seen += new TextDecoder().decode((await reader.read()).value)
    const cancel = await signedPost(cloud.cancelUrl, { sessionId: session })
    expect(cancel.status).toBe(200)
    expect(await cancel.json()).toMatchObject({ cancelled: true })
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      seen += new TextDecoder().decode(value)
    }
    expect(eventsOf(seen).at(-1)).toEqual({ type: 'done', data: { stopReason: 'cancelled' } })
    const turn = cloud.agent.sessions.peek(session)?.turn
    expect(turn?.cancelled).toBe(true)
  })
})

describe('local cloud: the same Lambda through Lambda’s API (the invoke-stream path)', () => {
  const lambda = () =>
    new LambdaClient({ endpoint: cloud.lambdaEndpoint, region: 'us-east-1', maxAttempts: 1, credentials: cloud.workerKeys })

  it('InvokeWithResponseStream, read by @aws-sdk/client-lambda: the events themselves, done last; Invoke cancels (truthfully: nothing runs after the end)', async () => {
    const session = 'cloud-direct-session-' + 'z'.repeat(20)
    const client = lambda()
    try {
      const res = await client.send(
        new InvokeWithResponseStreamCommand({ FunctionName: cloud.functionName, Payload: JSON.stringify({ action: 'invoke', prompt: 'Direct 日本語 🌊', sessionId: session }) }),
      )
      let sse = ''
      let complete: { ErrorCode?: string } | undefined
      for await (const e of res.EventStream!) {
        if (e.PayloadChunk?.Payload) sse += new TextDecoder().decode(e.PayloadChunk.Payload, { stream: true })
        if (e.InvokeComplete) complete = e.InvokeComplete
      }
      expect(complete?.ErrorCode).toBeUndefined()
      const events = eventsOf(sse)
      expect(events[0]).toMatchObject({ type: 'meta', data: { sessionId: session } })
      expect(events.filter((e) => e.type === 'text').map((e) => (e.data as { text: string }).text).join('')).toContain('Direct 日本語 🌊')
      expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })

      const cancelled = await client.send(new InvokeCommand({ FunctionName: cloud.functionName, Payload: JSON.stringify({ action: 'cancel', sessionId: session }) }))
      expect(cancelled.FunctionError).toBeUndefined()
      // The answer has ended: nothing is running, and the cancel says so.
      expect(JSON.parse(new TextDecoder().decode(cancelled.Payload))).toEqual({ cancelled: false })
    } finally {
      client.destroy()
    }
  })
})

describe('local cloud: the same Lambda through its Function URL (the function-url path)', () => {
  // Signed as the Worker signs (aws4fetch, service lambda, no retries: app/server/signing.ts).
  const signed = () => {
    const aws = new AwsClient({ ...cloud.workerKeys, region: 'us-east-1', service: 'lambda', retries: 0 })
    return (url: string, init: RequestInit) => aws.fetch(url, init)
  }

  it('a SigV4-signed POST …/invoke streams the events; unsigned is 403 before the function runs', async () => {
    const session = 'cloud-url-session-' + 'u'.repeat(20)
    const res = await signed()(cloud.functionUrlInvoke, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'Through the URL', sessionId: session }),
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const events = eventsOf(await res.text())
    expect(events[0]).toMatchObject({ type: 'meta', data: { sessionId: session } })
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })

    const before = cloud.lambda.stats().invocations
    const unsigned = await fetch(cloud.functionUrlInvoke, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":"x"}' })
    expect(unsigned.status).toBe(403)
    expect(cloud.lambda.stats().invocations).toBe(before)
  })
})

describe('local cloud at its concurrency limit: the cancel function has its own execution environments', () => {
  let small: LocalCloud
  beforeAll(async () => {
    // One invoke environment, one cancel environment (as its reserved concurrency in AWS). The top-level
    // beforeAll has built the bundle.
    small = await startLocalCloud({ build: false, lambdaConcurrency: 1, cancelConcurrency: 1, agent: { offline: { firstTokenMs: 50, tokensPerSecond: 100 } } })
  })
  afterAll(() => small?.stop())

  const post = (url: string, body: unknown) =>
    small.workerFetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: JSON.stringify(body) })

  it('with every invoke environment busy, a second prompt is throttled (API Gateway’s 500) and a cancel still stops the answer', async () => {
    const session = 'busy-cloud-session-' + 'z'.repeat(20)
    const res = await post(small.invokeUrl, { prompt: 'Write a long essay about rivers', sessionId: session })
    const reader = res.body!.getReader()
    let seen = ''
    while (!seen.includes('event: text')) seen += new TextDecoder().decode((await reader.read()).value)

    // Lambda rejects the invocation (TooManyRequestsException); API Gateway answers 500 with its own body.
    const throttled = await post(small.invokeUrl, { prompt: 'hi', sessionId: 'other-cloud-session-' + 'q'.repeat(20) })
    expect([throttled.status, await throttled.json()]).toEqual([500, { message: 'Internal server error' }])

    const cancel = await post(small.cancelUrl, { sessionId: session })
    expect([cancel.status, await cancel.json()]).toEqual([200, { cancelled: true, method: 'signal' }])
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      seen += new TextDecoder().decode(value)
    }
    expect(eventsOf(seen).at(-1)).toEqual({ type: 'done', data: { stopReason: 'cancelled' } })
    expect(small.cancelLambda.stats().invocations).toBe(1)
    expect(small.lambda.stats().invocations).toBe(1) // the throttled one never ran
  })

  it('invoke-stream: the Worker’s cancel (app/server/upstream/invoke-stream.ts) is an Invoke of the cancel function, so it stops the answer while the one invoke environment is busy', async () => {
    // The Worker's own path code, configured as npm run dev -- --upstream invoke-stream configures it.
    const upstream = invokeStreamUpstream(readConfig(workerVarsFor(small, 'invoke-stream') as Parameters<typeof readConfig>[0]))
    const session = 'busy-direct-session-' + 'v'.repeat(20)
    // The test before ends its answer; its environment is free once that invocation is over.
    while (small.lambda.stats().busy > 0) await new Promise((r) => setTimeout(r, 20))
    const [invokes, cancels] = [small.lambda.stats().invocations, small.cancelLambda.stats().invocations]
    const opened = await upstream.open({ prompt: 'Write a long essay about rivers', sessionId: session }, new AbortController().signal)
    if (!opened.ok) throw new Error(`the invoke failed: ${JSON.stringify(opened)}`)
    const reader = opened.body.getReader()
    let seen = ''
    while (!seen.includes('event: text')) seen += new TextDecoder().decode((await reader.read()).value)

    // Lambda throttles a second invocation of the invoke function (TooManyRequestsException: 503 at the edge)...
    const throttled = await upstream.open({ prompt: 'hi', sessionId: 'other-direct-session-' + 'q'.repeat(20) }, new AbortController().signal)
    expect(throttled).toMatchObject({ ok: false, status: 503, code: 'agent_unavailable', retryable: true })
    // ...but the cancel runs on the cancel function's own environment.
    expect(await upstream.cancel(session)).toEqual({ status: 200, cancelled: true, method: 'signal' })
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      seen += new TextDecoder().decode(value)
    }
    expect(eventsOf(seen).at(-1)).toEqual({ type: 'done', data: { stopReason: 'cancelled' } })
    expect(small.cancelLambda.stats().invocations - cancels).toBe(1)
    expect(small.lambda.stats().invocations - invokes).toBe(1)
  })

  it('a cancel for a session with nothing running says so: 404 {"cancelled": false}', async () => {
    const cancel = await post(small.cancelUrl, { sessionId: 'never-ran-cloud-session-' + 'w'.repeat(20) })
    expect([cancel.status, await cancel.json()]).toEqual([404, { cancelled: false }])
  })
})

describe('local cloud under parallel load, through the Worker (the small version of the load test: bench/suites/load.ts)', () => {
  let wide: LocalCloud
  let edge: Awaited<ReturnType<typeof startApiWorker>>
  const CHATS = 30
  const PROMPT = 'Tell me about streams'
  beforeAll(async () => {
    wide = await startLocalCloud({ build: false, lambdaConcurrency: CHATS, agent: { offline: { firstTokenMs: 20, tokensPerSecond: 0 } } })
    // The /api routes in workerd, reaching this cloud over the rest path as npm run dev points them.
    edge = await startApiWorker(workerVarsFor(wide, 'rest'))
  })
  afterAll(async () => {
    await edge?.stop()
    await wide?.stop()
  })

  it(`${CHATS} parallel chats through workerd, each turn in its conversation's Durable Object: every one 200, the offline model's answer byte for byte, done last`, async () => {
    const chat = async () => {
      const res = await fetch(`${edge.url}/api/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ prompt: PROMPT }),
      })
      const events = eventsOf(await res.text())
      return { status: res.status, text: events.filter((e) => e.type === 'text').map((e) => (e.data as { text: string }).text).join(''), last: events.at(-1) }
    }
    const answers = await Promise.all(Array.from({ length: CHATS }, () => chat()))
    // The offline model is deterministic: a first turn is composeAnswer's text for the prompt, in every conversation.
    const expected = composeAnswer({ prompt: PROMPT, earlier: [] })
    for (const a of answers) expect(a).toEqual({ status: 200, text: expected, last: { type: 'done', data: { stopReason: 'end_turn' } } })
    expect(wide.lambda.stats().invocations).toBe(CHATS)
  }, 180_000)
})
