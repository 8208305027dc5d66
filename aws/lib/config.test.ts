import { Period } from 'aws-cdk-lib/aws-apigateway'
import { RetentionDays } from 'aws-cdk-lib/aws-logs'
import { describe, expect, it } from 'vitest'
import { CONTEXT_KEYS, ConfigError, DEFAULT_CONFIG, DEFAULT_MODEL_ID, readConfig } from './config'

const context = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] })

describe('readConfig', () => {
  it('gives the documented defaults when the context is empty', () => {
    expect(readConfig(context({}))).toEqual({ ...DEFAULT_CONFIG, systemPrompt: undefined })
    expect(DEFAULT_CONFIG).toMatchObject({
      modelId: DEFAULT_MODEL_ID,
      stageName: 'v1',
      throttleRateLimit: 10,
      throttleBurstLimit: 20,
      quotaLimit: 10_000,
      quotaPeriod: Period.DAY,
      logRetention: RetentionDays.ONE_MONTH,
      apiAccessLogs: true,
      heartbeatMs: 15_000,
      agentQualifier: 'DEFAULT',
      maxPromptChars: 16_000,
    })
  })

  it('accepts -c strings as well as cdk.json types', () => {
    const fromCli = readConfig(
      context({
        paths: 'invoke-stream,rest',
        agent: 'python',
        modelId: 'amazon.nova-lite-v1:0',
        systemPrompt: 'Be brief.',
        stageName: 'prod',
        throttleRateLimit: '2.5',
        throttleBurstLimit: '5',
        quotaLimit: '100',
        quotaPeriod: 'week',
        logRetentionDays: '7',
        apiAccessLogs: 'false',
        wafWebAcl: 'true',
        wafRateLimit: '300',
        heartbeatMs: '5000',
        agentQualifier: 'staging',
        maxPromptChars: '8000',
        cancelReservedConcurrency: '0',
      }),
    )
    expect(fromCli).toEqual({
      paths: ['rest', 'invoke-stream'],
      agent: 'python',
      modelId: 'amazon.nova-lite-v1:0',
      systemPrompt: 'Be brief.',
      stageName: 'prod',
      throttleRateLimit: 2.5,
      throttleBurstLimit: 5,
      quotaLimit: 100,
      quotaPeriod: Period.WEEK,
      logRetention: RetentionDays.ONE_WEEK,
      apiAccessLogs: false,
      wafWebAcl: true,
      wafRateLimit: 300,
      heartbeatMs: 5000,
      agentQualifier: 'staging',
      maxPromptChars: 8000,
      cancelReservedConcurrency: 0,
    })
    const fromJson = readConfig(context({ throttleBurstLimit: 5, quotaLimit: 100, logRetentionDays: 7, apiAccessLogs: false }))
    expect(fromJson).toMatchObject({ throttleBurstLimit: 5, quotaLimit: 100, logRetention: 7, apiAccessLogs: false })
  })

  it('treats an empty value as unset', () => {
    expect(readConfig(context({ stageName: '', systemPrompt: '' }))).toMatchObject({ stageName: 'v1', systemPrompt: undefined })
  })

  it.each([
    ['agent', 'java', /agent must be typescript or python/],
    ['modelId', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0', /modelId/],
    ['modelId', 'claude', /modelId/],
    ['systemPrompt', 'x'.repeat(2049), /systemPrompt/],
    ['stageName', 'v 1', /stageName/],
    ['throttleRateLimit', 'fast', /throttleRateLimit/],
    ['throttleBurstLimit', '1.5', /throttleBurstLimit must be an integer/],
    ['quotaLimit', 0, /quotaLimit/],
    ['quotaPeriod', 'YEAR', /quotaPeriod must be one of DAY, WEEK, MONTH/],
    ['logRetentionDays', 2, /logRetentionDays must be one of 1, 3, 5, 7/],
    ['apiAccessLogs', 'yes', /apiAccessLogs must be true or false/],
    ['wafWebAcl', 1, /wafWebAcl must be true or false/],
    ['wafRateLimit', '9', /wafRateLimit must be an integer from 10 to 2000000000/],
    ['heartbeatMs', 10, /heartbeatMs/],
    ['agentQualifier', '1st', /agentQualifier/],
    ['maxPromptChars', '-1', /maxPromptChars/],
  ])('rejects %s = %j with a message naming the key', (key, value, message) => {
    expect(CONTEXT_KEYS).toContain(key)
    expect(() => readConfig(context({ [key]: value }))).toThrow(ConfigError)
    expect(() => readConfig(context({ [key]: value }))).toThrow(message)
  })

  it('names every bad key at once, with the value it got', () => {
    expect(() => readConfig(context({ quotaLimit: 0, apiAccessLogs: 'yes' }))).toThrow(
      'quotaLimit must be an integer >= 1, got 0; apiAccessLogs must be true or false, got "yes"',
    )
  })
})
