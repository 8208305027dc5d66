/**
 * When the response connection breaks mid-answer, the proxy stops reading and cancels the agent's
 * session. In AWS a client disconnect does not reach the function (aws-lambda-nodejs-runtime-interface-client#145);
 * the local Runtime API's abortMode 'disconnect' cuts the function's response connection to exercise
 * this path under the real runtime client.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { LambdaPool } from '../local/lambda-runtime'
import { proxyEvent } from './test/proxy-event'
import { readFunctionResponse } from './test/read-function-response'
import type { ScriptedAgentCore } from './test/scripted-agentcore'
import { startProxy, type RunningProxy } from './test/start-proxy'

const SESSION = 'disconnect-session-0123456789-0123456789'
let proxy: RunningProxy
let agent: ScriptedAgentCore
let pool: LambdaPool
let logs: string[]

beforeAll(async () => {
  proxy = await startProxy({ abortMode: 'disconnect' })
  ;({ agent, pool, logs } = proxy)
})
afterAll(() => proxy?.stop())

it('a broken response connection stops the agent call and cancels the session', async () => {
  agent.scripts.set('long', { steps: [{ send: 'event: text\ndata: {"text":"first"}\n\n' }, { gate: 'never' }] })
  const abort = new AbortController()
  const res = await pool.invoke(proxyEvent({ json: { prompt: 'long', sessionId: SESSION } }), { signal: abort.signal })
  for await (const item of readFunctionResponse(res.body)) {
    if (item.kind === 'event' && item.type === 'text') break
  }
  abort.abort()
  expect(await res.outcome).toMatchObject({ ok: false, kind: 'aborted' })
  await expect.poll(() => agent.calls.filter((c) => c.sessionId === SESSION).map((c) => c.op), { timeout: 10_000 }).toEqual(['invoke', 'cancel'])
  await expect.poll(() => agent.closedEarly, { timeout: 10_000 }).toContain(SESSION)
  await expect.poll(() => logs.some((l) => l.includes('client_gone')), { timeout: 10_000 }).toBe(true)

  // The process survived the broken connection and asks for the next event (a crash would remove it).
  await expect.poll(() => pool.stats(), { timeout: 10_000 }).toMatchObject({ workers: 1, idle: 1, spawned: 1 })
  agent.scripts.set('after', { steps: [{ send: 'event: text\ndata: {"text":"again"}\n\n' }] })
  const next = await pool.invoke(proxyEvent({ json: { prompt: 'after' } }))
  const texts: string[] = []
  for await (const item of readFunctionResponse(next.body)) if (item.kind === 'event' && item.type === 'text') texts.push(item.data.text)
  expect(texts).toEqual(['again'])
  expect(pool.stats().spawned).toBe(1)
})
