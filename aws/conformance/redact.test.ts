/**
 * Redaction over a realistic recorded exchange: a signed request with temporary credentials and an
 * API key, API Gateway's InvalidSignatureException (which echoes the canonical request, session
 * token and API key included) and an IAM refusal naming ARNs.
 */
import { describe, expect, it } from 'vitest'
import { ACCOUNT, REDACTED, redact } from './redact'

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY'
const TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+example+token=='
const API_KEY = 'Xy9aB8cD7eF6gH5iJ4kL3mN2oP1qR0sT9uV8wX7y'
const SIG = 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024'

const sample = {
  source: 'recorded against AWS on 2026-12-01',
  request: {
    method: 'POST',
    url: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1/invoke',
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=ASIAQWERTYUIOPASDFGH/20261201/eu-west-1/execute-api/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-api-key, Signature=${SIG}`,
      'x-amz-security-token': TOKEN,
      'X-Api-Key': API_KEY,
      'x-amz-date': '20261201T101500Z',
    },
    body: '{"prompt":"hi","sessionId":"conformance-0123456789abcdef0123456789"}',
  },
  response: {
    status: 403,
    headers: { 'x-amzn-errortype': 'InvalidSignatureException', 'x-amzn-requestid': '7d5a2c1e-6f0b-4b1e-9c55-0e1f2a3b4c5d', 'x-amz-apigw-id': 'AbCdEfGhIjKlMnO=' },
    body: {
      message: `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/v1/invoke\n\ncontent-type:application/json\nhost:a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com\nx-amz-date:20261201T101500Z\nx-amz-security-token:${TOKEN}\nx-api-key:${API_KEY}\n\ncontent-type;host;x-amz-date;x-amz-security-token;x-api-key\n0b1c...'\n`,
      denied: 'User: arn:aws:sts::111122223333:assumed-role/Admin/me is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/v1/POST/invoke',
    },
    timing: { firstByteMs: 231.4, chunks: [12, 48, 50] },
  },
  runtime: 'arn:aws:bedrock-agentcore:eu-west-1:111122223333:runtime/edge_agent_chat-Ab12Cd34Ef',
  function: 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws/invoke',
  accountAlone: 'account 111122223333 owns it',
}

describe('redact', () => {
  const out = redact(sample, { secrets: [SECRET, TOKEN, API_KEY] })
  const text = JSON.stringify(out)

  it('leaves no secret, key id, signature, account id or deployment id in the text', () => {
    for (const gone of [SECRET, TOKEN, API_KEY, SIG, 'ASIAQWERTYUIOPASDFGH', '111122223333', 'a1b2c3d4e5', 'abcdefghijklmnopqrstuvwxyz012345']) {
      expect(text).not.toContain(gone)
    }
  })

  it('keeps what the fixture is for: statuses, error types, wording, timing, structure', () => {
    expect(out.response.status).toBe(403)
    expect(out.response.headers).toEqual(sample.response.headers)
    expect(out.response.timing).toEqual(sample.response.timing)
    expect(out.response.body.message).toMatch(/^The request signature we calculated does not match/)
    expect(out.response.body.message).toContain(`x-amz-security-token:${REDACTED}`)
    expect(out.request.headers['x-amz-security-token']).toBe(REDACTED)
    expect(out.request.headers['X-Api-Key']).toBe(REDACTED)
    expect(out.request.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=ASIAREDACTEDXXXXXXXX/20261201/eu-west-1/execute-api/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-api-key, Signature=${REDACTED}`,
    )
    expect(out.response.body.denied).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/Admin/me is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:${ACCOUNT}:apiid00000/v1/POST/invoke`,
    )
    expect(out.runtime).toBe(`arn:aws:bedrock-agentcore:eu-west-1:${ACCOUNT}:runtime/edge_agent_chat-Ab12Cd34Ef`)
    expect(out.request.url).toBe('https://apiid00000.execute-api.eu-west-1.amazonaws.com/v1/invoke')
    expect(out.accountAlone).toBe(`account ${ACCOUNT} owns it`)
    expect(out.request.body).toBe(sample.request.body)
  })

  it('does not change its input', () => {
    expect(sample.request.headers['X-Api-Key']).toBe(API_KEY)
  })
})
