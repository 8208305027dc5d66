/**
 * Methods with IAM authorization on the API Gateway emulator: requests signed by aws4fetch (the
 * Worker's signer) in front of a real aws-lambda-ric pool running ./test-function.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda'
import { fileURLToPath } from 'node:url'
import { AwsV4Signer } from 'aws4fetch'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalPrincipal } from '../sigv4/policy'
import { startLambdaPool, type LambdaPool } from '../lambda-runtime'
import { methodArn } from './iam-auth'
import { DEFAULT_API, startApiGateway, type ApiGateway } from './server'

const KEY = 'test-key-0123456789'
const API = { ...DEFAULT_API, stage: 'v1' }
const WORKER: LocalPrincipal = {
  accessKeyId: 'AKIALOCALWORKER00001',
  secretAccessKey: 'worker-secret-for-this-test-only-000000',
  principalArn: `arn:aws:iam::${API.accountId}:user/edge-agent-chat-worker`,
  // Invoke only: the cancel method is not granted, to see IAM's refusal.
  allow: [{ action: 'execute-api:Invoke', resource: methodArn(API, 'POST', '/invoke') }],
}
let pool: LambdaPool
let gw: ApiGateway
const logs: string[] = []

beforeAll(async () => {
  pool = await startLambdaPool({
    codeDir: fileURLToPath(new URL('./test-function', import.meta.url)),
    handler: 'index.handler',
    maxConcurrency: 2,
    onLog: () => {},
  })
  gw = await startApiGateway({
    api: API,
    routes: [
      { method: 'POST', path: '/invoke', apiKeyRequired: true, authorizationType: 'AWS_IAM' },
      { method: 'POST', path: '/cancel', apiKeyRequired: true, authorizationType: 'AWS_IAM' },
    ],
    apiKeys: { [KEY]: 'key-id-1' },
    principals: [WORKER],
    invoke: (event, o) => pool.invoke(event, o),
    log: (l) => logs.push(l),
  })
})

afterAll(async () => {
  await gw?.stop()
  await pool?.stop()
})

interface Signing {
  path?: string
  signedBody?: string
  sentBody?: string
  secretAccessKey?: string
  region?: string
  datetime?: string
  apiKey?: string | null
}

async function signedPost(s: Signing = {}): Promise<Response> {
  const url = `${gw.url}${s.path ?? '/invoke'}`
  const signedBody = s.signedBody ?? JSON.stringify({ mode: 'echo-event' })
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (s.apiKey !== null) headers['x-api-key'] = s.apiKey ?? KEY
  const signed = await new AwsV4Signer({
    url,
    method: 'POST',
    headers,
    body: signedBody,
    accessKeyId: WORKER.accessKeyId,
    secretAccessKey: s.secretAccessKey ?? WORKER.secretAccessKey,
    service: 'execute-api',
    region: s.region ?? API.region,
    datetime: s.datetime,
  }).sign()
  return fetch(url, { method: 'POST', headers: signed.headers, body: s.sentBody ?? signedBody })
}

async function refusal(res: Response): Promise<[number, string | null, unknown]> {
  return [res.status, res.headers.get('x-amzn-errortype'), await res.json()]
}

describe('IAM authorization (AWS_IAM methods)', () => {
  it('passes a request signed by the granted principal, with the API key, and tells the function who called', async () => {
    const res = await signedPost()
    expect(res.status).toBe(200)
    const event = (await res.json()) as APIGatewayProxyEvent
    expect(event.requestContext.identity).toMatchObject({
      accessKey: WORKER.accessKeyId,
      userArn: WORKER.principalArn,
      accountId: API.accountId,
      apiKeyId: 'key-id-1',
    })
  })

  it('refuses an unsigned request with Missing Authentication Token, even with the API key', async () => {
    const res = await fetch(`${gw.url}/invoke`, { method: 'POST', headers: { 'x-api-key': KEY }, body: '{"mode":"echo-event"}' })
    expect(await refusal(res)).toEqual([403, 'MissingAuthenticationTokenException', { message: 'Missing Authentication Token' }])
  })

  it('refuses a wrong secret key: the signature does not match', async () => {
    const [status, type, body] = await refusal(await signedPost({ secretAccessKey: 'not-the-secret' }))
    expect([status, type]).toEqual([403, 'InvalidSignatureException'])
    expect((body as { message: string }).message).toMatch(/^The request signature we calculated does not match the signature you provided/)
  })

  it('refuses a signature for another region', async () => {
    expect(await refusal(await signedPost({ region: 'eu-west-1' }))).toEqual([
      403,
      'InvalidSignatureException',
      { message: "Credential should be scoped to a valid region, not 'eu-west-1'. " },
    ])
  })

  it('refuses a signature made more than 5 minutes ago', async () => {
    const old = new Date(Date.now() - 6 * 60_000).toISOString().replace(/[:-]|\.\d{3}/g, '')
    const [status, type, body] = await refusal(await signedPost({ datetime: old }))
    expect([status, type]).toEqual([403, 'InvalidSignatureException'])
    expect((body as { message: string }).message).toMatch(new RegExp(`^Signature expired: ${old} is now earlier than \\d{8}T\\d{6}Z \\(\\d{8}T\\d{6}Z - 5 min\\.\\)$`))
  })

  it('refuses a body changed after signing', async () => {
    const [status, type, body] = await refusal(await signedPost({ signedBody: '{"mode":"echo-event"}', sentBody: '{"mode":"echo-event","x":1}' }))
    expect([status, type]).toEqual([403, 'InvalidSignatureException'])
    expect((body as { message: string }).message).toMatch(/^The request signature we calculated does not match the signature you provided/)
  })

  it('refuses a method the principal is not granted, with IAM’s message', async () => {
    const res = await signedPost({ path: '/cancel' })
    expect(await refusal(res)).toEqual([
      403,
      'AccessDeniedException',
      {
        Message:
          `User: ${WORKER.principalArn} is not authorized to perform: execute-api:Invoke on resource: ${methodArn(API, 'POST', '/cancel')} ` +
          'because no identity-based policy allows the execute-api:Invoke action',
      },
    ])
  })

  it('still requires the API key after a valid signature (usage plan identity)', async () => {
    expect(await refusal(await signedPost({ apiKey: null }))).toEqual([403, 'ForbiddenException', { message: 'Forbidden' }])
  })
})
