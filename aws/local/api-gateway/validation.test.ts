/**
 * Request validation on the API Gateway emulator: a method with a model for application/json, in
 * front of a real aws-lambda-ric pool running ./test-function.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLambdaPool, type LambdaPool } from '../lambda-runtime'
import { startApiGateway, type ApiGateway } from './server'

let pool: LambdaPool
let gw: ApiGateway
const MODEL = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  required: ['mode'],
  properties: { mode: { type: 'string', maxLength: 20 } },
}

beforeAll(async () => {
  pool = await startLambdaPool({ codeDir: fileURLToPath(new URL('./test-function', import.meta.url)), handler: 'index.handler', maxConcurrency: 2, onLog: () => {} })
  gw = await startApiGateway({
    routes: [{ method: 'POST', path: '/invoke', apiKeyRequired: false, requestModels: { 'application/json': MODEL } }],
    apiKeys: {},
    invoke: (event, o) => pool.invoke(event, o),
  })
})

afterAll(async () => {
  await gw?.stop()
  await pool?.stop()
})

const post = (body: string, contentType = 'application/json') =>
  fetch(`${gw.url}/invoke`, { method: 'POST', headers: { 'content-type': contentType }, body })

describe('request validation (a model per content type)', () => {
  it('passes a body the model accepts on to the function', async () => {
    const res = await post('{"mode":"echo-event"}')
    expect(res.status).toBe(200)
    expect(((await res.json()) as { body: string }).body).toBe('{"mode":"echo-event"}')
  })

  it.each([
    ['a body the model refuses', '{"mode":1}'],
    ['a body missing a required member', '{}'],
    ['a body that is not JSON', 'mode=echo-event'],
  ])('answers 400 Invalid request body for %s, before the function runs', async (_, body) => {
    const before = pool.stats().invocations
    const res = await post(body)
    expect([res.status, res.headers.get('x-amzn-errortype'), await res.json()]).toEqual([400, 'BadRequestException', { message: 'Invalid request body' }])
    expect(pool.stats().invocations).toBe(before)
  })

  it('does not validate a content type that has no model (with its charset parameter, JSON still does)', async () => {
    // The function gets it (and, being a JSON-only test function, fails on it: 502).
    const before = pool.stats().invocations
    expect((await post('not json', 'text/plain')).status).toBe(502)
    expect(pool.stats().invocations).toBe(before + 1)
    expect((await post('{"mode":1}', 'application/json; charset=utf-8')).status).toBe(400)
  })
})
