import { describe, expect, it } from 'vitest'
import { defaultCancelUrl, readConfig } from './config'

describe('readConfig', () => {
  it('derives the cancel URL from the invoke URL', () => {
    expect(defaultCancelUrl('https://abc.execute-api.us-east-1.amazonaws.com/v1/invoke')).toBe(
      'https://abc.execute-api.us-east-1.amazonaws.com/v1/cancel',
    )
    expect(defaultCancelUrl('http://127.0.0.1:9000/v1/invoke/')).toBe('http://127.0.0.1:9000/v1/cancel')
    expect(defaultCancelUrl('http://127.0.0.1:9000/agent')).toBe('http://127.0.0.1:9000/agent/cancel')
  })

  it('uses defaults for missing or malformed numbers and honours an explicit cancel URL', () => {
    const config = readConfig({ UPSTREAM_URL: 'http://u/v1/invoke', MAX_PROMPT_CHARS: 'lots', UPSTREAM_CANCEL_URL: 'http://c/stop' })
    expect(config).toEqual({
      upstreamKind: 'rest',
      upstreamUrl: 'http://u/v1/invoke',
      cancelUrl: 'http://c/stop',
      apiKey: '',
      maxPromptChars: 16_000,
      firstByteTimeoutMs: 30_000,
      aws: { accessKeyId: '', secretAccessKey: '', region: 'us-east-1' },
      lambdaFunction: '',
      lambdaEndpoint: 'https://lambda.us-east-1.amazonaws.com',
    })
    expect(readConfig({ UPSTREAM_URL: 'http://u/v1/invoke', MAX_PROMPT_CHARS: '10', UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '250' })).toMatchObject({
      cancelUrl: 'http://u/v1/cancel',
      maxPromptChars: 10,
      firstByteTimeoutMs: 250,
    })
  })

  it('reads the path and its AWS settings, and leaves an unknown UPSTREAM_KIND undefined', () => {
    expect(
      readConfig({
        UPSTREAM_URL: '',
        UPSTREAM_KIND: 'invoke-stream',
        UPSTREAM_AWS_REGION: 'eu-west-1',
        UPSTREAM_AWS_ACCESS_KEY_ID: 'AKID',
        UPSTREAM_AWS_SECRET_ACCESS_KEY: 'secret',
        UPSTREAM_LAMBDA_FUNCTION: 'fn',
      }),
    ).toMatchObject({
      upstreamKind: 'invoke-stream',
      aws: { accessKeyId: 'AKID', secretAccessKey: 'secret', region: 'eu-west-1' },
      lambdaFunction: 'fn',
      lambdaEndpoint: 'https://lambda.eu-west-1.amazonaws.com',
    })
    expect(readConfig({ UPSTREAM_URL: '', UPSTREAM_LAMBDA_ENDPOINT: 'http://127.0.0.1:9/' }).lambdaEndpoint).toBe('http://127.0.0.1:9')
    expect(readConfig({ UPSTREAM_URL: '', UPSTREAM_KIND: 'carrier-pigeon' }).upstreamKind).toBeUndefined()
  })
})
