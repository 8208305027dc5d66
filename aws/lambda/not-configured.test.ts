import { afterAll, beforeAll, expect, it } from 'vitest'
import { proxyEvent } from './test/proxy-event'
import { readAll } from './test/read-function-response'
import { startProxy, type RunningProxy } from './test/start-proxy'

let proxy: RunningProxy
beforeAll(async () => {
  proxy = await startProxy({}, { AGENT_RUNTIME_ARN: '' })
})
afterAll(() => proxy?.stop())

it('answers 500 internal_error, without details, when AGENT_RUNTIME_ARN is missing', async () => {
  const res = await proxy.pool.invoke(proxyEvent({ json: { prompt: 'hi' } }))
  const text = new TextDecoder().decode(await readAll(res.body))
  expect(text.startsWith('{"statusCode":500,')).toBe(true)
  expect(JSON.parse(text.slice(text.indexOf('\0'.repeat(8)) + 8))).toEqual({ error: { code: 'internal_error', message: 'The proxy is not configured.' } })
  expect(proxy.logs.some((l) => l.includes('"not_configured"') && l.includes('AGENT_RUNTIME_ARN'))).toBe(true)
  expect(proxy.agent.calls).toEqual([])
})
