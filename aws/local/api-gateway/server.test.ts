/**
 * The API Gateway emulator in front of a real aws-lambda-ric pool running ./test-function (a
 * streamifyResponse handler whose behaviour the request picks).
 */
import type { APIGatewayProxyEvent } from 'aws-lambda'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLambdaPool, type LambdaPool } from '../lambda-runtime'
import { startApiGateway, type ApiGateway } from './server'

const KEY = 'test-key-0123456789'
let pool: LambdaPool
let gw: ApiGateway
let quick: ApiGateway // shortened limits
let idle: ApiGateway // a short idle timeout only
let capped: ApiGateway // a short maximum duration only
const logs: string[] = []

beforeAll(async () => {
  pool = await startLambdaPool({
    codeDir: fileURLToPath(new URL('./test-function', import.meta.url)),
    handler: 'index.handler',
    // Room for the ten concurrent streams while earlier tests' slow functions still run (as in AWS, they
    // run on after API Gateway has given up on them).
    maxConcurrency: 16,
    onLog: () => {},
  })
  const common = {
    routes: [
      { method: 'POST', path: '/invoke', apiKeyRequired: true },
      { method: 'POST', path: '/cancel', apiKeyRequired: true },
    ],
    apiKeys: { [KEY]: 'key-id-1' },
    invoke: (event: unknown, o: { signal: AbortSignal; traceId: string }) => pool.invoke(event, o),
    api: { binaryMediaTypes: ['application/octet-stream'] },
    log: (l: string) => logs.push(l),
  }
  gw = await startApiGateway(common)
  quick = await startApiGateway({ ...common, limits: { integrationTimeoutMs: 400 } })
  // Its own gateway: a cold Lambda start on a loaded machine must not meet a short integration timeout first.
  idle = await startApiGateway({ ...common, limits: { idleTimeoutMs: 400 } })
  capped = await startApiGateway({ ...common, limits: { maxStreamMs: 1500 } })
})

afterAll(async () => {
  await gw?.stop()
  await quick?.stop()
  await idle?.stop()
  await capped?.stop()
  await pool?.stop()
})

function post(base: string, body: unknown, headers: Record<string, string> = {}, path = '/invoke') {
  return fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY, ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? (body as RequestInit['body']) : JSON.stringify(body),
  })
}

describe('routes and API keys', () => {
  it('answers 403 Forbidden with API Gateway body for a missing or wrong x-api-key', async () => {
    for (const headers of [{ 'x-api-key': 'wrong' }, {}] as Record<string, string>[]) {
      const res = await fetch(gw.url + '/invoke', { method: 'POST', headers, body: '{"mode":"prelude"}' })
      expect(res.status).toBe(403)
      expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException')
      expect(res.headers.get('content-type')).toBe('application/json')
      expect(await res.json()).toEqual({ message: 'Forbidden' })
    }
  })

  it('answers 403 Missing Authentication Token for an unknown path or method', async () => {
    for (const [method, path] of [['POST', '/v1/nope'], ['GET', '/v1/invoke'], ['POST', '/invoke']]) {
      const res = await fetch(gw.url.replace(/\/v1$/, '') + path, { method, headers: { 'x-api-key': KEY } })
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual({ message: 'Missing Authentication Token' })
    }
  })
})

describe('proxy event', () => {
  it('gives the function the REST proxy event with headers, requestContext and identity', async () => {
    const res = await post(gw.url + '/', { mode: 'echo-event' }, { 'X-Custom': 'one' }, 'invoke?a=1&a=2')
    expect(res.status).toBe(200)
    const e = (await res.json()) as APIGatewayProxyEvent
    expect(e).toMatchObject({
      resource: '/invoke',
      path: '/invoke',
      httpMethod: 'POST',
      isBase64Encoded: false,
      body: '{"mode":"echo-event"}',
      queryStringParameters: { a: '2' },
      multiValueQueryStringParameters: { a: ['1', '2'] },
      requestContext: {
        stage: 'v1',
        path: '/v1/invoke',
        resourcePath: '/invoke',
        httpMethod: 'POST',
        identity: { apiKey: KEY, apiKeyId: 'key-id-1', sourceIp: '127.0.0.1' },
      },
    })
    expect(e.requestContext.requestId).toBe(res.headers.get('x-amzn-requestid'))
    expect(e.headers['X-Custom']).toBe('one')
    expect(e.multiValueHeaders['X-Custom']).toEqual(['one'])
    expect(e.headers['X-Forwarded-For']).toBe('127.0.0.1')
  })

  it('base64-encodes a body whose content type is a binary media type', async () => {
    const res = await post(gw.url, new TextEncoder().encode('{"mode":"echo-event"}'), { 'content-type': 'application/octet-stream' })
    const e = (await res.json()) as APIGatewayProxyEvent
    expect(e.isBase64Encoded).toBe(true)
    expect(Buffer.from(e.body ?? '', 'base64').toString()).toBe('{"mode":"echo-event"}')
  })
})

describe('streamed responses', () => {
  it('decodes the prelude: status, headers, multi-value headers and cookies; remaps reserved headers', async () => {
    const res = await post(gw.url, { mode: 'prelude' })
    expect(res.status).toBe(201)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('x-custom')).toBe('yes')
    expect(res.headers.get('x-multi')).toBe('a, b')
    expect(res.headers.getSetCookie()).toEqual(['c1=1; Path=/', 'c2=2'])
    expect(res.headers.get('x-amzn-remapped-date')).toBe('Thu, 01 Jan 2026 00:00:00 GMT')
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/)
    expect(await res.text()).toBe('first second')
  })

  it('answers 502 Internal server error when the function ends without writing', async () => {
    const res = await post(gw.url, { mode: 'end-without-writing' })
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual({ message: 'Internal server error' })
  })

  it('answers 502 when the body has no metadata: aws-lambda-ric adds it in write(), not in end(data)', async () => {
    const res = await post(gw.url, { mode: 'end-with-data' })
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual({ message: 'Internal server error' })
  })

  it('answers 502 when the function fails before the first byte', async () => {
    const res = await post(gw.url, { mode: 'error-before-first-byte' })
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual({ message: 'Internal server error' })
  })

  it('cuts the stream when the function fails mid-stream, after delivering what it wrote', async () => {
    const res = await post(gw.url, { mode: 'error-mid-stream' })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('partial ')
    await expect(reader.read()).rejects.toThrow()
  })

  it('answers 504 Endpoint request timed out when the metadata misses the integration timeout', async () => {
    const res = await post(quick.url, { mode: 'slow-start', ms: 1500 })
    expect(res.status).toBe(504)
    expect(await res.json()).toEqual({ message: 'Endpoint request timed out' })
  })

  it('cuts a stream that stays idle past the idle timeout', async () => {
    const res = await post(idle.url, { mode: 'go-quiet', ms: 1500 })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('hello ')
    await expect(reader.read()).rejects.toThrow()
    expect(logs.some((l) => l.includes('stream cut (idle for 400 ms)'))).toBe(true)
  })

  it('cuts a stream at the maximum duration even while data keeps coming', async () => {
    const res = await post(capped.url, { mode: 'trickle', ms: 4000, every: 100 })
    expect(res.status).toBe(200)
    await expect(res.text()).rejects.toThrow()
    expect(logs.some((l) => l.includes('stream cut (stream reached the 1500 ms maximum)'))).toBe(true)
  })

  it('answers 500 when Lambda rejects the invocation (every execution environment busy)', async () => {
    const single = await startLambdaPool({ codeDir: fileURLToPath(new URL('./test-function', import.meta.url)), handler: 'index.handler', maxConcurrency: 1, onLog: () => {} })
    const one = await startApiGateway({ routes: [{ method: 'POST', path: '/invoke', apiKeyRequired: false }], apiKeys: {}, invoke: (e, o) => single.invoke(e, o) })
    try {
      const busy = post(one.url, { mode: 'slow-start', ms: 1000 })
      while (single.stats().busy < 1) await new Promise((r) => setTimeout(r, 20))
      const rejected = await post(one.url, { mode: 'prelude' })
      expect(rejected.status).toBe(500)
      expect(await rejected.json()).toEqual({ message: 'Internal server error' })
      expect((await busy).status).toBe(200)
    } finally {
      await one.stop()
      await single.stop()
    }
  })

  it('delivers ten concurrent streams, every byte in order', async () => {
    const n = 400
    const bodies = await Promise.all(
      Array.from({ length: 10 }, async (_, tag) => {
        const res = await post(gw.url, { mode: 'count', n, tag })
        expect(res.status).toBe(200)
        return res.text()
      }),
    )
    bodies.forEach((body, tag) => {
      expect(body).toBe(Array.from({ length: n }, (_, i) => `${tag}:${i}\n`).join(''))
    })
  })
})
