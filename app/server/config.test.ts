import { env } from 'cloudflare:test'
import { describe, expect, inject, it } from 'vitest'
import { ConfigError, configOf, defaultCancelUrl, readConfig, regionOfAwsUrl, WORKER_VAR_NAMES } from './config'

/** The least a rest Worker needs: where to send, the API key, the keys it signs with. */
const VALID = { UPSTREAM_URL: 'http://u/v1/invoke', UPSTREAM_API_KEY: 'k', UPSTREAM_AWS_ACCESS_KEY_ID: 'AKID', UPSTREAM_AWS_SECRET_ACCESS_KEY: 'secret' }

describe('readConfig', () => {
  it('derives the cancel URL from the invoke URL', () => {
    expect(defaultCancelUrl('https://abc.execute-api.us-east-1.amazonaws.com/v1/invoke')).toBe(
      'https://abc.execute-api.us-east-1.amazonaws.com/v1/cancel',
    )
    expect(defaultCancelUrl('http://127.0.0.1:9000/v1/invoke/')).toBe('http://127.0.0.1:9000/v1/cancel')
    expect(defaultCancelUrl('http://127.0.0.1:9000/agent')).toBe('http://127.0.0.1:9000/agent/cancel')
  })

  it('uses defaults for absent numbers and honours an explicit cancel URL', () => {
    const config = readConfig({ ...VALID, UPSTREAM_CANCEL_URL: 'http://c/stop' })
    expect(config).toEqual({
      upstreamKind: 'rest',
      upstreamUrl: 'http://u/v1/invoke',
      cancelUrl: 'http://c/stop',
      apiKey: 'k',
      maxPromptChars: 16_000,
      firstByteTimeoutMs: 30_000,
      bodyTimeoutMs: 10_000,
      aws: { accessKeyId: 'AKID', secretAccessKey: 'secret', region: 'us-east-1' },
      lambdaFunction: '',
      lambdaCancelFunction: '',
      lambdaEndpoint: 'https://lambda.us-east-1.amazonaws.com',
    })
    expect(
      readConfig({ ...VALID, MAX_PROMPT_CHARS: '10', UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '250', REQUEST_BODY_TIMEOUT_MS: '50' }),
    ).toMatchObject({ cancelUrl: 'http://u/v1/cancel', maxPromptChars: 10, firstByteTimeoutMs: 250, bodyTimeoutMs: 50 })
  })

  it('refuses a bad or missing value with an error naming each variable at fault, never a silent default', () => {
    const bad = (env: Record<string, string>) => () => readConfig({ ...VALID, ...env })
    expect(bad({ MAX_PROMPT_CHARS: 'lots' })).toThrow(ConfigError)
    expect(bad({ MAX_PROMPT_CHARS: 'lots' })).toThrow(/MAX_PROMPT_CHARS must be an integer >= 1, got "lots"/)
    expect(bad({ MAX_PROMPT_CHARS: '1.5' })).toThrow(/MAX_PROMPT_CHARS/)
    expect(bad({ UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '0' })).toThrow(/UPSTREAM_FIRST_BYTE_TIMEOUT_MS must be an integer >= 1, got "0"/)
    expect(bad({ UPSTREAM_URL: 'not a url' })).toThrow(/UPSTREAM_URL must be an http\(s\) URL/)
    expect(bad({ UPSTREAM_CANCEL_URL: 'ftp://c/stop' })).toThrow(/UPSTREAM_CANCEL_URL/)
    expect(bad({ UPSTREAM_API_KEY: '' })).toThrow(/UPSTREAM_API_KEY is not set/)
    expect(bad({ UPSTREAM_KIND: 'carrier-pigeon' })).toThrow(/UPSTREAM_KIND must be one of rest, /)
    expect(bad({ UPSTREAM_AWS_REGION: 'moon' })).toThrow(/UPSTREAM_AWS_REGION must be an AWS region/)
    expect(() => readConfig({})).toThrow(/UPSTREAM_URL is not set .*; UPSTREAM_API_KEY is not set .*; UPSTREAM_AWS_ACCESS_KEY_ID is not set/)
    expect(bad({ UPSTREAM_AWS_SECRET_ACCESS_KEY: '' })).toThrow(/UPSTREAM_AWS_SECRET_ACCESS_KEY is not set/)
    // What a path needs, it must have: the signed paths their keys, invoke-stream its function.
    expect(() => readConfig({ UPSTREAM_KIND: 'invoke-stream' })).toThrow(
      /UPSTREAM_AWS_ACCESS_KEY_ID is not set .*UPSTREAM_AWS_SECRET_ACCESS_KEY is not set .*UPSTREAM_LAMBDA_FUNCTION is not set .*UPSTREAM_LAMBDA_CANCEL_FUNCTION is not set/,
    )
    // A path without API Gateway's usage plan needs no API key.
    expect(readConfig({ ...VALID, UPSTREAM_API_KEY: undefined, UPSTREAM_KIND: 'function-url' }).upstreamKind).toBe('function-url')
  })

  it("signs for the region of an AWS upstream URL, and refuses an UPSTREAM_AWS_REGION that contradicts it", () => {
    const stage = 'https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/v1/invoke'
    expect(regionOfAwsUrl(stage)).toBe('eu-central-1')
    expect(regionOfAwsUrl('wss://a1b2c3d4e5.execute-api.ap-southeast-2.amazonaws.com/v1')).toBe('ap-southeast-2')
    expect(regionOfAwsUrl('https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-west-2.on.aws/invoke')).toBe('us-west-2')
    expect([regionOfAwsUrl('http://127.0.0.1:5221/v1/invoke'), regionOfAwsUrl('https://api.example.com/v1/invoke'), regionOfAwsUrl(undefined)]).toEqual([
      undefined,
      undefined,
      undefined,
    ])
    expect(readConfig({ ...VALID, UPSTREAM_URL: stage }).aws.region).toBe('eu-central-1')
    expect(readConfig({ ...VALID, UPSTREAM_URL: stage, UPSTREAM_AWS_REGION: 'eu-central-1' }).aws.region).toBe('eu-central-1')
    expect(() => readConfig({ ...VALID, UPSTREAM_URL: stage, UPSTREAM_AWS_REGION: 'us-east-1' })).toThrow(
      /UPSTREAM_AWS_REGION is us-east-1 but UPSTREAM_URL is in eu-central-1: AWS would refuse every signature/,
    )
  })

  it('configOf parses an env object once', () => {
    const env = { ...VALID }
    expect(configOf(env)).toBe(configOf(env))
    expect(configOf({ ...env })).not.toBe(configOf(env))
  })

  it('reads the path and its AWS settings', () => {
    expect(
      readConfig({
        UPSTREAM_URL: '',
        UPSTREAM_KIND: 'invoke-stream',
        UPSTREAM_AWS_REGION: 'eu-west-1',
        UPSTREAM_AWS_ACCESS_KEY_ID: 'AKID',
        UPSTREAM_AWS_SECRET_ACCESS_KEY: 'secret',
        UPSTREAM_LAMBDA_FUNCTION: 'fn',
        UPSTREAM_LAMBDA_CANCEL_FUNCTION: 'fn-cancel',
      }),
    ).toMatchObject({
      upstreamKind: 'invoke-stream',
      aws: { accessKeyId: 'AKID', secretAccessKey: 'secret', region: 'eu-west-1' },
      lambdaFunction: 'fn',
      lambdaCancelFunction: 'fn-cancel',
      lambdaEndpoint: 'https://lambda.eu-west-1.amazonaws.com',
    })
    expect(readConfig({ ...VALID, UPSTREAM_LAMBDA_ENDPOINT: 'http://127.0.0.1:9/' }).lambdaEndpoint).toBe(
      'http://127.0.0.1:9',
    )
  })
})

describe("the tests' Worker", () => {
  it("gets every var from wrangler.toml or the test setup, none from a developer's .dev.vars", () => {
    // app/vitest.config.ts sets these; the rest come from wrangler.toml or are empty.
    const fromTest = ['UPSTREAM_URL', 'UPSTREAM_API_KEY', 'UPSTREAM_AWS_ACCESS_KEY_ID', 'UPSTREAM_AWS_SECRET_ACCESS_KEY', 'UPSTREAM_AWS_REGION', 'UPSTREAM_FIRST_BYTE_TIMEOUT_MS']
    const fromToml = inject('workerVarsFromToml')
    const bindings = env as unknown as Record<string, string | undefined>
    for (const name of WORKER_VAR_NAMES.filter((n) => !fromTest.includes(n))) expect(`${name}=${bindings[name]}`).toBe(`${name}=${fromToml[name]}`)
    expect(fromToml.MAX_PROMPT_CHARS).toBe('16000')
    expect(bindings.UPSTREAM_KIND).toBe('')
    // Nothing else either: a name only a developer's .dev.vars holds would show up here.
    const others = Object.keys(bindings).filter((name) => !(WORKER_VAR_NAMES as readonly string[]).includes(name) && !name.startsWith('__VITEST_POOL_WORKERS'))
    expect(others.sort()).toEqual(['AUTH_AUDIENCE', 'AUTH_ISSUER', 'AUTH_JWKS_URL', 'CONVERSATIONS', 'MAX_CONVERSATIONS_PER_OWNER', 'OWNERS', 'OWNER_COOKIE_SECRET', 'RATE_LIMITER'])
  })
})
