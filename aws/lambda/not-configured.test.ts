import { afterAll, beforeAll, expect, it } from 'vitest'
import { proxyEvent } from './test/proxy-event'
import { readResponse } from './test/read-function-response'
import { startProxy, type RunningProxy } from './test/start-proxy'

let proxy: RunningProxy
beforeAll(async () => {
  proxy = await startProxy({}, { AGENT_RUNTIME_ARN: '' })
})
afterAll(() => proxy?.stop())

it('answers 500 internal_error, without details, when AGENT_RUNTIME_ARN is missing', async () => {
  const { prelude, text } = await readResponse((await proxy.pool.invoke(proxyEvent({ json: { prompt: 'hi' } }))).body)
  expect(prelude.statusCode).toBe(500)
  expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'The proxy is not configured.' } })
  expect(proxy.logs.some((l) => l.includes('"not_configured"') && l.includes('AGENT_RUNTIME_ARN'))).toBe(true)
  expect(proxy.agent.calls).toEqual([])
})
