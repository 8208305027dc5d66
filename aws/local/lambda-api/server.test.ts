/**
 * The Lambda API emulator read by AWS's own client, @aws-sdk/client-lambda: if the SDK decodes our
 * event-stream frames (CRCs, headers, InvokeComplete errors included) and our restJson1 errors, a
 * real client of Lambda would too. The functions run under aws-lambda-ric (../lambda-runtime).
 */
import { InvokeCommand, InvokeWithResponseStreamCommand, LambdaClient, type InvokeWithResponseStreamResponseEvent } from '@aws-sdk/client-lambda'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { holdServer } from '../../../test-support/hold-server'
import { startLambdaPool, type LambdaPool } from '../lambda-runtime'
import { functionNameOf, startLambdaApi, type LambdaApi } from './server'

const codeDir = fileURLToPath(new URL('../lambda-runtime/test-function/', import.meta.url))
const PRELUDE = '{"statusCode":200,"headers":{"content-type":"text/plain"}}' + '\0'.repeat(8)
let streaming: LambdaPool
let buffered: LambdaPool
let api: LambdaApi
let client: LambdaClient

const CALLER = { accessKeyId: 'AKIALOCALTESTCALLER0', secretAccessKey: 'local-secret-of-the-test-caller' }
const OTHER = { accessKeyId: 'AKIALOCALTESTOTHER00', secretAccessKey: 'local-secret-of-another-caller' }
const clientFor = (endpoint: string, credentials = CALLER) => new LambdaClient({ endpoint, region: 'us-east-1', maxAttempts: 1, credentials })

beforeAll(async () => {
  streaming = await startLambdaPool({ codeDir, handler: 'fn.stream', functionName: 'streamer', maxConcurrency: 2, warm: 1, onLog: () => {} })
  buffered = await startLambdaPool({ codeDir, handler: 'fn.buffered', functionName: 'classic', maxConcurrency: 1, onLog: () => {} })
  api = await startLambdaApi({
    region: 'us-east-1',
    accountId: '123456789012',
    functions: { streamer: streaming, classic: buffered },
    principals: [
      // The caller may invoke every function; the other one only `classic`.
      { ...CALLER, principalArn: 'arn:aws:iam::123456789012:user/caller', allow: [{ action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:us-east-1:123456789012:function:*' }] },
      { ...OTHER, principalArn: 'arn:aws:iam::123456789012:user/other', allow: [{ action: 'lambda:InvokeFunction', resource: 'arn:aws:lambda:us-east-1:123456789012:function:classic' }] },
    ],
  })
  client = clientFor(api.url)
})
afterAll(async () => {
  client?.destroy()
  await api?.stop()
  await streaming?.stop()
  await buffered?.stop()
})

const utf8 = new TextDecoder()

/**
 * What the SDK decoded: the payload chunks joined (the runtime decides how the output is cut), and
 * the InvokeComplete event, which must come last.
 */
async function eventsOf(stream: AsyncIterable<InvokeWithResponseStreamResponseEvent> | undefined, text = '') {
  let complete: { ErrorCode?: string; ErrorDetails?: string } | undefined
  for await (const e of stream ?? []) {
    expect(complete).toBeUndefined()
    if (e.PayloadChunk) text += utf8.decode(e.PayloadChunk.Payload)
    else if (e.InvokeComplete) complete = { ErrorCode: e.InvokeComplete.ErrorCode, ErrorDetails: e.InvokeComplete.ErrorDetails }
  }
  return { text, complete }
}
const COMPLETE_OK = { ErrorCode: undefined, ErrorDetails: undefined }

describe('the Lambda API emulator, read by @aws-sdk/client-lambda', () => {
  it('InvokeWithResponseStream: PayloadChunks as the function writes them (UTF-8 intact), then InvokeComplete', async () => {
    const hold = await holdServer()
    try {
      const before = api.calls.invokeWithResponseStream
      const res = await client.send(
        new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: JSON.stringify({ parts: ['こんにちは ', '🌊 done'], holdUrl: hold.url }) }),
      )
      expect(res.StatusCode).toBe(200)
      expect(res.ExecutedVersion).toBe('$LATEST')
      const iterator = res.EventStream![Symbol.asyncIterator]()
      // The first part arrives while the function is still held before the second: streamed, not buffered.
      let head = ''
      while (head !== PRELUDE + 'こんにちは ') {
        const next = await iterator.next()
        expect(next.value.PayloadChunk).toBeDefined()
        head += utf8.decode(next.value.PayloadChunk.Payload)
      }
      hold.release()
      expect(await eventsOf({ [Symbol.asyncIterator]: () => iterator }, head)).toEqual({ text: PRELUDE + 'こんにちは 🌊 done', complete: COMPLETE_OK })
      expect(api.calls.invokeWithResponseStream).toBe(before + 1)
    } finally {
      hold.release()
      await hold.close()
    }
  })

  it('a function that fails mid-stream: the chunks already sent, then InvokeComplete with ErrorCode and ErrorDetails', async () => {
    const res = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: JSON.stringify({ parts: ['partial'], then: 'throw' }) }))
    expect(await eventsOf(res.EventStream)).toEqual({
      text: PRELUDE + 'partial',
      complete: { ErrorCode: 'TypeError', ErrorDetails: expect.stringContaining('failed on purpose') },
    })

    const crashed = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: JSON.stringify({ parts: ['x'], then: 'exit' }) }))
    expect((await eventsOf(crashed.EventStream)).complete).toEqual({ ErrorCode: 'Runtime.ExitError', ErrorDetails: expect.any(String) })
  })

  it('accepts the function by name, by qualified name and by ARN', async () => {
    for (const FunctionName of ['streamer', 'streamer:$LATEST', 'arn:aws:lambda:us-east-1:123456789012:function:streamer']) {
      const res = await client.send(new InvokeWithResponseStreamCommand({ FunctionName, Payload: JSON.stringify({ parts: ['ok'] }) }))
      expect(await eventsOf(res.EventStream)).toEqual({ text: PRELUDE + 'ok', complete: COMPLETE_OK })
    }
    expect(functionNameOf('a/b')).toBeUndefined()
  })

  it('service errors are the SDK’s typed exceptions: unknown function, bad payload, throttling', async () => {
    await expect(client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'missing', Payload: '{}' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
      message: expect.stringContaining('function:missing'),
    })
    await expect(client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: new TextEncoder().encode('{oops') }))).rejects.toMatchObject({
      name: 'InvalidRequestContentException',
      $metadata: { httpStatusCode: 400 },
    })
    // The streaming pool allows two invocations at a time: hold both, and the next is throttled.
    const hold = await holdServer()
    try {
      const other = clientFor(api.url)
      const busy = other.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: JSON.stringify({ parts: ['a', 'b'], holdUrl: hold.url }) }))
      const busy2 = other.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: JSON.stringify({ parts: ['a', 'b'], holdUrl: hold.url }) }))
      await Promise.all([busy, busy2])
      await expect(client.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: '{}' }))).rejects.toMatchObject({
        name: 'TooManyRequestsException',
        $metadata: { httpStatusCode: 429 },
      })
      hold.release()
      await Promise.all([busy, busy2].map(async (p) => eventsOf((await p).EventStream)))
      other.destroy()
    } finally {
      hold.release()
      await hold.close()
    }
  })

  it('verifies the SigV4 signature for real and applies the caller’s policy (lambda:InvokeFunction on the function)', async () => {
    const before = streaming.stats().invocations
    const wrongSecret = clientFor(api.url, { ...CALLER, secretAccessKey: 'not-the-secret' })
    await expect(wrongSecret.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: '{}' }))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining('does not match'),
    })
    const unknownKey = clientFor(api.url, { accessKeyId: 'AKIANOBODY0000000000', secretAccessKey: 'x' })
    await expect(unknownKey.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: '{}' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } })
    const other = clientFor(api.url, OTHER)
    await expect(other.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', Payload: '{}' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining('lambda:InvokeFunction'),
    })
    // Refused before the function ran.
    expect(streaming.stats().invocations).toBe(before)
    // The same principal may call the one function its policy names.
    expect((await other.send(new InvokeCommand({ FunctionName: 'classic', Payload: JSON.stringify({ name: 'x' }) }))).StatusCode).toBe(200)
    for (const c of [wrongSecret, unknownKey, other]) c.destroy()
  })

  it('Invoke (RequestResponse): the whole output, and a failed function flagged by FunctionError', async () => {
    const ok = await client.send(new InvokeCommand({ FunctionName: 'classic', Payload: JSON.stringify({ name: 'ねこ' }) }))
    expect(ok.StatusCode).toBe(200)
    expect(ok.FunctionError).toBeUndefined()
    expect(JSON.parse(utf8.decode(ok.Payload))).toEqual({ hello: 'ねこ' })
    const failed = await client.send(new InvokeCommand({ FunctionName: 'classic', Payload: JSON.stringify({ fail: true }) }))
    expect(failed.FunctionError).toBe('Unhandled')
    expect(JSON.parse(utf8.decode(failed.Payload))).toMatchObject({ errorType: 'RangeError', errorMessage: 'buffered failure' })
    expect(api.calls.invoke).toBeGreaterThanOrEqual(2)
  })
})
