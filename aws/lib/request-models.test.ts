import { App, Stack } from 'aws-cdk-lib'
import { Model, RestApi } from 'aws-cdk-lib/aws-apigateway'
import { Template } from 'aws-cdk-lib/assertions'
import Ajv from 'ajv-draft-04'
import { describe, expect, it } from 'vitest'
import { MAX_HISTORY_CHARS, MAX_HISTORY_MESSAGES, validateCancel, validateUpstreamInvoke } from '../../protocol/request'
import { cancelModelSchema, invokeModelSchema, toDraft4 } from './request-models'

const MAX = 20

/** The model as CloudFormation gets it (CDK renames `schema` to `$schema` and so on). */
function deployedSchema(schema: ReturnType<typeof cancelModelSchema>): object {
  const stack = new Stack(new App(), 'ModelTest')
  const restApi = new RestApi(stack, 'Api')
  restApi.root.addMethod('POST')
  new Model(stack, 'Model', { restApi, contentType: 'application/json', schema })
  const models = Object.values(Template.fromStack(stack).findResources('AWS::ApiGateway::Model'))
  return models[0].Properties.Schema
}

// API Gateway validates models as JSON Schema draft 4; ajv-draft-04 is a draft-4 validator.
const ajv = new Ajv({ strict: false })
const invokeModel = ajv.compile(deployedSchema(invokeModelSchema(MAX)))
const cancelModel = ajv.compile(deployedSchema(cancelModelSchema()))

const session = 's'.repeat(33)
const invokeBodies: unknown[] = [
  { prompt: 'hi' },
  { prompt: 'hi', sessionId: session },
  { prompt: 'hi', sessionId: 'S_-9'.repeat(64) },
  { prompt: 'hi', sessionId: '' },
  { prompt: 'hi', sessionId: null },
  { prompt: 'hi', extra: true },
  { prompt: 'x'.repeat(MAX) },
  // 20 code points, 40 UTF-16 units: within the limit for both.
  { prompt: '😀'.repeat(MAX) },
  { prompt: 'x'.repeat(MAX + 1) },
  { prompt: '😀'.repeat(MAX + 1) },
  { prompt: '' },
  { prompt: '  \n ' },
  { prompt: 42 },
  { sessionId: session },
  { prompt: 'hi', sessionId: 's'.repeat(32) },
  { prompt: 'hi', sessionId: 's'.repeat(257) },
  { prompt: 'hi', sessionId: `${'s'.repeat(33)}!` },
  { prompt: 'hi', sessionId: 42 },
  { prompt: 'hi', replaces: 'earlier' },
  { prompt: 'hi', replaces: 'x'.repeat(MAX + 1) },
  { prompt: 'hi', replaces: 42 },
  { prompt: 'hi', userId: 'anon_0b7c6d2e-1f0a-4c4e-9a51-3f2d8e6b7a10' },
  { prompt: 'hi', userId: 'u'.repeat(128) },
  { prompt: 'hi', userId: 'u'.repeat(129) },
  { prompt: 'hi', userId: '' },
  { prompt: 'hi', userId: 'has space' },
  { prompt: 'hi', history: [{ role: 'user', text: 'a' }, { role: 'assistant', text: 'b' }] },
  { prompt: 'hi', history: [] },
  { prompt: 'hi', history: [{ role: 'system', text: 'a' }] },
  { prompt: 'hi', history: [{ role: 'user' }] },
  { prompt: 'hi', history: Array.from({ length: MAX_HISTORY_MESSAGES }, () => ({ role: 'user', text: 'a' })) },
  { prompt: 'hi', history: Array.from({ length: MAX_HISTORY_MESSAGES + 1 }, () => ({ role: 'user', text: 'a' })) },
  // One message as long as the whole history may be, and one longer (code points, as the protocol counts).
  { prompt: 'hi', history: [{ role: 'user', text: '😀'.repeat(MAX_HISTORY_CHARS) }] },
  { prompt: 'hi', history: [{ role: 'assistant', text: 'x'.repeat(MAX_HISTORY_CHARS + 1) }] },
  { prompt: 'hi', history: 'a' },
  { prompt: 'hi', firstEventId: 1 },
  { prompt: 'hi', firstEventId: Number.MAX_SAFE_INTEGER },
  { prompt: 'hi', firstEventId: 0 },
  { prompt: 'hi', firstEventId: 2.5 },
  { prompt: 'hi', firstEventId: '7' },
  ['hi'],
  'hi',
  null,
]
const cancelBodies: unknown[] = [{ sessionId: session }, { sessionId: session, extra: 1 }, {}, { sessionId: '' }, { sessionId: 's'.repeat(32) }, { sessionId: null }, [], 'x']

describe('request models (API Gateway request validation)', () => {
  it('toDraft4 gives the models exactly as CDK writes them (what the local API Gateway validates with)', () => {
    expect(toDraft4(invokeModelSchema(MAX))).toEqual(deployedSchema(invokeModelSchema(MAX)))
    expect(toDraft4(cancelModelSchema())).toEqual(deployedSchema(cancelModelSchema()))
    expect(toDraft4(cancelModelSchema())).toMatchObject({ $schema: 'http://json-schema.org/draft-04/schema#' })
  })

  it.each(invokeBodies.map((b) => [JSON.stringify(b).slice(0, 60), b]))('invoke model and protocol agree on %s', (_, body) => {
    expect(invokeModel(body)).toBe(validateUpstreamInvoke(body, MAX).ok)
  })

  it.each(cancelBodies.map((b) => [JSON.stringify(b), b]))('cancel model and protocol agree on %s', (_, body) => {
    expect(cancelModel(body)).toBe(validateCancel(body).ok)
  })

  it('accepts and refuses something in each list (the comparisons above are not vacuous)', () => {
    expect(invokeBodies.filter((b) => invokeModel(b)).length).toBe(17)
    expect(cancelBodies.filter((b) => cancelModel(b)).length).toBe(2)
  })
})
