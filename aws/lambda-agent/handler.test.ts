/**
 * The agent-in-Lambda under the code that runs it in AWS: the bundle (aws/lambda-agent/build.ts) in a
 * local execution environment run by aws-lambda-ric (aws/local/lambda-runtime), fed API Gateway REST
 * proxy events built by the API Gateway emulator's own builder, its response read as API Gateway reads
 * it (prelude, then SSE). The agent is aws/agent's Strands agent on the offline model.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { proxyEvent } from '../lambda/test/proxy-event'
import { collect, readFunctionResponse, readResponse } from '../lambda/test/read-function-response'
import { startLambdaPool, type LambdaPool } from '../local/lambda-runtime'
import { LAMBDA_HANDLER } from '../lambda/bundle-options'
import { buildLambdaAgent } from './build'

const SESSION = 'lambda-agent-session-0123456789-0123456789'
const dir = mkdtempSync(join(tmpdir(), 'lambda-agent-test-'))
let pool: LambdaPool
let disconnecting: LambdaPool
const logs: string[] = []

beforeAll(async () => {
  await buildLambdaAgent(dir)
  const options = {
    codeDir: dir,
    handler: LAMBDA_HANDLER,
    functionName: 'edge-agent-chat-lambda-agent',
    // The offline model, fast: answers still come in many chunks.
    env: { OFFLINE_FIRST_TOKEN_MS: '20', OFFLINE_TOKENS_PER_SECOND: '400' },
    maxConcurrency: 2,
    warm: 1,
    onLog: (line: string) => void logs.push(line),
  }
  pool = await startLambdaPool(options)
  // A client that goes away cuts the function's response connection (AWS does not promise this:
  // aws-lambda-nodejs-runtime-interface-client#145), to exercise the handler's stop.
  disconnecting = await startLambdaPool({ ...options, abortMode: 'disconnect' })
}, 120_000)
afterAll(async () => {
  await pool?.stop()
  await disconnecting?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const textOf = (events: Array<{ type: string; data: any }>) => events.filter((e) => e.type === 'text').map((e) => e.data.text).join('')

describe('the agent inside the Lambda (lambda-agent)', () => {
  it('streams the agent’s answer as the project’s events: meta first, text in many chunks, usage, done', async () => {
    const res = await pool.invoke(proxyEvent({ json: { prompt: 'How do streams work? words:80', sessionId: SESSION } }))
    const { prelude, events } = await collect(res.body)
    const { statusCode: status, headers } = prelude!
    expect(status).toBe(200)
    expect(headers['Content-Type']).toMatch(/^text\/event-stream/)
    expect(headers['X-Session-Id']).toBe(SESSION)
    expect(events[0]).toEqual({ type: 'meta', data: { sessionId: SESSION, requestId: res.requestId } })
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(10)
    expect(textOf(events)).toContain('Offline model')
    expect(textOf(events)).toContain('How do streams work?')
    expect(events.find((e) => e.type === 'usage')?.data).toMatchObject({ outputTokens: expect.toSatisfy((n) => Number.isInteger(n) && n > 0, 'a positive whole number') })
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
    expect(await res.outcome).toEqual({ ok: true })
  })

  it('remembers the conversation through the history the Worker sends (nothing survives in the environment)', async () => {
    const history = [
      { role: 'user', text: 'First question about rivers' },
      { role: 'assistant', text: 'Rivers flow.' },
    ]
    const res = await pool.invoke(proxyEvent({ json: { prompt: 'And a second one about lakes', sessionId: SESSION, userId: 'owner-1', history } }))
    const { events } = await collect(res.body)
    expect(textOf(events)).toContain('Earlier you asked: “First question about rivers” — this is turn 2')
    // Without history the same session starts over: the environment kept nothing of the turn above.
    const fresh = await pool.invoke(proxyEvent({ json: { prompt: 'Another about seas', sessionId: SESSION } }))
    expect(textOf((await collect(fresh.body)).events)).not.toContain('Earlier you asked')
  })

  it('keeps Japanese and emoji intact', async () => {
    const prompt = '日本語のストリーミング 🌊🚀 は 👨‍👩‍👧 も壊れない？'
    const { events } = await collect((await pool.invoke(proxyEvent({ json: { prompt } }))).body)
    expect(textOf(events)).toContain(prompt)
    expect(textOf(events)).not.toContain('\uFFFD')
  })

  it('refuses bad input before the stream with the edge’s status and code, and has no cancel request', async () => {
    const cases: Array<[unknown, number, string]> = [
      [{ prompt: '' }, 400, 'prompt_required'],
      [{ prompt: 'hi', sessionId: 'short' }, 400, 'invalid_session_id'],
      [{ prompt: 'hi', history: 'not a list' }, 400, 'invalid_request'],
      [{ prompt: 'hi', history: [{ role: 'system', text: 'x' }] }, 400, 'invalid_request'],
      [{ prompt: 'hi', history: [{ role: 'user', text: 'x'.repeat(24_001) }] }, 400, 'invalid_request'],
      [{ prompt: 'hi', userId: 'not visible ascii ✗' }, 400, 'invalid_request'],
    ]
    for (const [json, status, code] of cases) {
      const { prelude, text } = await readResponse((await pool.invoke(proxyEvent({ json }))).body)
      expect(prelude.statusCode, JSON.stringify(json).slice(0, 80)).toBe(status)
      expect(JSON.parse(text)).toMatchObject({ error: { code, message: expect.any(String) } })
    }
    const cancel = await readResponse((await pool.invoke(proxyEvent({ resource: '/cancel', path: '/cancel', json: { sessionId: SESSION } }))).body)
    expect(cancel.prelude.statusCode).toBe(404)
    expect(JSON.parse(cancel.text).error.message).toMatch(/closing that stream stops it/)
  })

  it('closing the stream stops the agent loop in that invocation', async () => {
    const session = 'lambda-agent-stop-0123456789-0123456789-ab'
    const abort = new AbortController()
    const res = await disconnecting.invoke(proxyEvent({ json: { prompt: 'Tell me everything words:5000', sessionId: session } }), { signal: abort.signal })
    let texts = 0
    for await (const item of readFunctionResponse(res.body)) {
      if (item.kind === 'event' && item.type === 'text' && ++texts === 5) break
    }
    abort.abort()
    expect(await res.outcome).toMatchObject({ ok: false, kind: 'aborted' })
    const end = async () => logs.map((l) => JSON.parse(l.slice(l.indexOf('{')))).find((l) => l.msg === 'invoke_end' && l.sessionId === session)
    await expect.poll(end, { timeout: 10_000 }).toMatchObject({ stopReason: 'cancelled', cancelled: true })
    // Far fewer than the 5,000 words asked for were produced before the loop stopped.
    expect((await end()).textEvents).toBeLessThan(2000)
    expect(logs.some((l) => l.includes('client_gone') && l.includes(session))).toBe(true)
    // The environment survived and answers the next request.
    await expect.poll(() => disconnecting.stats(), { timeout: 10_000 }).toMatchObject({ busy: 0 })
    const next = await disconnecting.invoke(proxyEvent({ json: { prompt: 'after words:20' } }))
    expect((await collect(next.body)).events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
  })
})
