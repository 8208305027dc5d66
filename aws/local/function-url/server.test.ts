/**
 * The local Function URL (RESPONSE_STREAM, AWS_IAM) with a function under aws-lambda-ric, called the
 * way the Worker calls it: signed as the Worker signs (aws4fetch, service lambda, no retries:
 * app/server/signing.ts, which this Node test cannot import with the Worker's types), and
 * verified for real by the shared SigV4 verifier.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { holdServer } from '../../../test-support/hold-server'
import { AwsClient } from 'aws4fetch'
import { startLambdaPool, type LambdaPool } from '../lambda-runtime'
import { startFunctionUrl, type FunctionUrl } from './server'

const codeDir = fileURLToPath(new URL('./test-function/', import.meta.url))
const CALLER = { accessKeyId: 'AKIALOCALURLCALLER00', secretAccessKey: 'secret-of-the-url-caller' }
const STRANGER = { accessKeyId: 'AKIALOCALURLSTRANGER', secretAccessKey: 'secret-of-a-stranger' }
const aws = (keys: typeof CALLER, region = 'us-east-1') => ({ ...keys, region })

let pool: LambdaPool
let url: FunctionUrl

beforeAll(async () => {
  pool = await startLambdaPool({ codeDir, handler: 'url-fn.handler', functionName: 'url-fn', warm: 1, onLog: () => {} })
  url = await startFunctionUrl({
    fn: pool,
    functionName: 'url-fn',
    accountId: '123456789012',
    principals: [
      { ...CALLER, principalArn: 'arn:aws:iam::123456789012:user/edge-worker', allow: [{ action: 'lambda:InvokeFunctionUrl', resource: 'arn:aws:lambda:us-east-1:123456789012:function:url-fn' }] },
      // Known to IAM, but allowed something else only.
      { ...STRANGER, principalArn: 'arn:aws:iam::123456789012:user/stranger', allow: [{ action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:us-east-1:123456789012:function:url-fn' }] },
    ],
  })
})
afterAll(async () => {
  await url?.stop()
  await pool?.stop()
})

const post = (path: string, body: unknown, keys = CALLER, region?: string) =>
  new AwsClient({ ...aws(keys, region), service: 'lambda', retries: 0 }).fetch(url.url + path.slice(1), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('the local Function URL (RESPONSE_STREAM, AWS_IAM)', () => {
  it('passes a payload format 2.0 event naming the IAM caller', async () => {
    const res = await post('/echo?x=1&x=2', { prompt: 'こんにちは' })
    expect(res.status).toBe(201)
    const event = (await res.json()) as { headers: Record<string, string> }
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/echo',
      rawQueryString: 'x=1&x=2',
      queryStringParameters: { x: '1,2' },
      body: JSON.stringify({ prompt: 'こんにちは' }),
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'POST', path: '/echo' },
        authorizer: { iam: { accessKey: CALLER.accessKeyId, userArn: 'arn:aws:iam::123456789012:user/edge-worker' } },
        stage: '$default',
      },
    })
    expect(event.headers['content-type']).toBe('application/json')
    expect(event.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIALOCALURLCALLER00\/\d{8}\/us-east-1\/lambda\/aws4_request/)
  })

  it('sends the function’s status and headers, then each write as it happens', async () => {
    const hold = await holdServer()
    try {
      const res = await post('/parts', { parts: ['日本語 ', '🌊'], holdUrl: hold.url })
      expect(res.status).toBe(201)
      expect(res.headers.get('x-from-function')).toBe('yes')
      const reader = res.body!.getReader()
      const dec = new TextDecoder()
      let text = ''
      // The function is held before its second write: what arrived so far was streamed.
      while (text !== '日本語 ') text += dec.decode((await reader.read()).value, { stream: true })
      hold.release()
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += dec.decode(r.value, { stream: true })
      expect(text).toBe('日本語 🌊')
    } finally {
      hold.release()
      await hold.close()
    }
  })

  it('refuses what IAM refuses, before the function runs: no signature, a wrong secret, region or permission', async () => {
    const before = pool.stats().invocations
    const unsigned = await fetch(url.url + 'echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    for (const res of [unsigned, await post('/echo', {}, { ...CALLER, secretAccessKey: 'wrong' }), await post('/echo', {}, CALLER, 'eu-west-1'), await post('/echo', {}, STRANGER)]) {
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual({ Message: 'Forbidden' })
    }
    expect(pool.stats().invocations).toBe(before)
  })

  it('a function that fails before its first byte is a 502; after it, the stream is cut', async () => {
    const failed = await post('/fail', {})
    expect(failed.status).toBe(502)
    const cut = await post('/parts', { parts: ['partial'], then: 'throw' })
    expect(cut.status).toBe(201)
    await expect(cut.text()).rejects.toThrow()
  })
})
