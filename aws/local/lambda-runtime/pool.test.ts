import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { startLambdaPool, TooManyRequestsException, type LambdaPool, type LambdaPoolOptions } from './index'

const codeDir = fileURLToPath(new URL('./test-function/', import.meta.url))
const pools: LambdaPool[] = []
const logs: string[] = []

async function pool(options: Partial<LambdaPoolOptions> = {}): Promise<LambdaPool> {
  const p = await startLambdaPool({ codeDir, handler: 'fn.stream', onLog: (l) => logs.push(l), ...options })
  pools.push(p)
  return p
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.stop()))
})

/** An HTTP server whose answers wait until release() (lets a test function pause deterministically). */
async function holdServer() {
  let release!: () => void
  const released = new Promise<void>((r) => (release = r))
  const server = createServer((_req, res) => void released.then(() => res.end('go')))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    release,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

const text = async (body: ReadableStream<Uint8Array>) => new TextDecoder().decode(new Uint8Array(await new Response(body).arrayBuffer()))
const PRELUDE = '{"statusCode":200,"headers":{"content-type":"text/plain"}}' + '\0'.repeat(8)

describe('local Lambda Runtime API under aws-lambda-ric', () => {
  it('gives the process the environment Lambda sets, not the caller’s', async () => {
    process.env.LEAK_CHECK = 'parent-only'
    const p = await pool({ env: { MY_SETTING: 'x' }, functionName: 'fn-under-test', region: 'eu-west-1', memorySizeMb: 512 })
    const keys = ['AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_LAMBDA_RUNTIME_API', 'AWS_EXECUTION_ENV', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'LAMBDA_TASK_ROOT', '_HANDLER', 'TZ', '_X_AMZN_TRACE_ID', 'MY_SETTING', 'LEAK_CHECK']
    const res = await p.invoke({ echo: keys }, { traceId: 'Root=1-00000000-000000000000000000000000' })
    const got = JSON.parse((await text(res.body)).slice(PRELUDE.length))
    expect(got.env).toMatchObject({
      AWS_LAMBDA_FUNCTION_NAME: 'fn-under-test',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/fn-under-test',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      LAMBDA_TASK_ROOT: codeDir,
      _HANDLER: 'fn.stream',
      TZ: ':UTC',
      _X_AMZN_TRACE_ID: 'Root=1-00000000-000000000000000000000000',
      MY_SETTING: 'x',
      LEAK_CHECK: null,
    })
    expect(got.env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(got.env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/)
    expect(got.requestId).toBe(res.requestId)
    expect(got.arn).toBe('arn:aws:lambda:eu-west-1:000000000000:function:fn-under-test')
    expect(got.remaining).toBeGreaterThan(0)
    expect(got.cwd).toBe(codeDir.replace(/\/$/, ''))
    delete process.env.LEAK_CHECK
  })

  it('exposes the raw streaming body as it arrives, prelude included', async () => {
    const p = await pool()
    const hold = await holdServer()
    const res = await p.invoke({ parts: ['first ', 'second'], holdUrl: hold.url })
    expect(res.mode).toBe('streaming')
    expect(res.contentType).toBe('application/vnd.awslambda.http-integration-response')
    let settled = false
    void res.outcome.then(() => (settled = true))
    const reader = res.body.getReader()
    let seen = ''
    while (!seen.includes('first ')) seen += new TextDecoder().decode((await reader.read()).value)
    // The first part is here while the function is still running (it waits for the release).
    expect(settled).toBe(false)
    hold.release()
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      seen += new TextDecoder().decode(value)
    }
    expect(seen).toBe(PRELUDE + 'first second')
    expect(await res.outcome).toEqual({ ok: true })
    await hold.close()
  })

  it('reports a handler failure after bytes through the error trailers', async () => {
    const p = await pool()
    const res = await p.invoke({ parts: ['partial'], then: 'throw' })
    expect(await text(res.body)).toBe(PRELUDE + 'partial')
    expect(await res.outcome).toEqual({ ok: false, kind: 'function', errorType: 'TypeError', errorMessage: 'failed on purpose' })
  })

  it('reuses an idle process, and grows the pool for concurrent invocations', async () => {
    const p = await pool({ warm: 1 })
    for (let i = 0; i < 3; i++) await (await p.invoke({ parts: ['x'] })).outcome
    expect(p.stats().spawned).toBe(1)
    const hold = await holdServer()
    const running = await Promise.all([1, 2, 3].map(() => p.invoke({ parts: ['a', 'b'], holdUrl: hold.url })))
    // All three run at once, each in a process of its own: the pool grew from 1 to 3.
    expect(p.stats()).toMatchObject({ busy: 3, spawned: 3 })
    hold.release()
    expect(await Promise.all(running.map((r) => text(r.body)))).toEqual([1, 2, 3].map(() => PRELUDE + 'ab'))
    expect(p.stats().initMs.length).toBe(3)
    await hold.close()
  })

  it('throttles beyond maxConcurrency with a 429 TooManyRequestsException', async () => {
    const p = await pool({ maxConcurrency: 1 })
    const hold = await holdServer()
    const first = await p.invoke({ parts: ['a', 'b'], holdUrl: hold.url })
    await expect(p.invoke({ parts: ['x'] })).rejects.toBeInstanceOf(TooManyRequestsException)
    hold.release()
    await text(first.body)
    expect(await first.outcome).toEqual({ ok: true })
    await hold.close()
  })

  it('surfaces a crash mid-stream and replaces the process', async () => {
    const p = await pool()
    const res = await p.invoke({ parts: ['before exit'], then: 'exit' })
    expect(await text(res.body)).toBe(PRELUDE + 'before exit')
    expect(await res.outcome).toMatchObject({ ok: false, kind: 'crash', errorType: 'Runtime.ExitError' })
    const again = await p.invoke({ parts: ['fine'] })
    expect(await text(again.body)).toBe(PRELUDE + 'fine')
    expect(p.stats().spawned).toBe(2)
  })

  it('kills an invocation that outlives the function timeout', async () => {
    const p = await pool({ timeoutMs: 300 })
    const res = await p.invoke({ parts: ['slow'], then: 'sleep', ms: 5000 })
    await text(res.body)
    expect(await res.outcome).toMatchObject({ ok: false, kind: 'timeout', errorType: 'Sandbox.Timedout' })
  })

  it('surfaces init errors: a warm start rejects, an invoke fails with kind init', async () => {
    await expect(pool({ handler: 'fn.missing', warm: 1 })).rejects.toThrow(/Runtime.HandlerNotFound/)
    const p = await pool({ handler: 'fn.missing' })
    const res = await p.invoke({})
    expect(res.mode).toBe('error')
    expect(await text(res.body)).toBe('')
    expect(await res.outcome).toMatchObject({ ok: false, kind: 'init', errorType: 'Runtime.HandlerNotFound' })
  })

  it('runs buffered (non-streaming) handlers too', async () => {
    const p = await pool({ handler: 'fn.buffered' })
    const ok = await p.invoke({ name: 'x' })
    expect(ok.mode).toBe('buffered')
    expect(JSON.parse(await text(ok.body))).toEqual({ hello: 'x' })
    const failed = await p.invoke({ fail: true })
    expect(failed.mode).toBe('error')
    expect(await failed.outcome).toEqual({ ok: false, kind: 'function', errorType: 'RangeError', errorMessage: 'buffered failure' })
  })

  it("abortMode 'drain' (as in AWS): the function runs to its end after the caller goes away", async () => {
    const p = await pool()
    const abort = new AbortController()
    const res = await p.invoke({ parts: ['a', 'b', 'c'], gapMs: 100 }, { signal: abort.signal })
    const reader = res.body.getReader()
    await reader.read()
    abort.abort()
    expect(await res.outcome).toEqual({ ok: true })
    // an abort before the invoke starts rejects
    await expect(p.invoke({}, { signal: AbortSignal.abort() })).rejects.toThrow()
  })
})
