import { describe, expect, it } from 'vitest'
import { modelResourceArns } from './model-arns'

const at = { partition: 'aws', region: 'eu-central-1', account: '123456789012' }

describe('modelResourceArns', () => {
  it('grants a plain model id in the stack region only', () => {
    expect(modelResourceArns('amazon.nova-lite-v1:0', at)).toEqual([
      'arn:aws:bedrock:eu-central-1::foundation-model/amazon.nova-lite-v1:0',
    ])
  })

  it('grants a geographic inference profile and its model in the regions it routes to', () => {
    expect(modelResourceArns('eu.anthropic.claude-haiku-4-5-20251001-v1:0', at)).toEqual([
      'arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
    ])
  })

  it('grants a global inference profile and its model', () => {
    expect(modelResourceArns('global.anthropic.claude-haiku-4-5-20251001-v1:0', at)).toEqual([
      'arn:aws:bedrock:eu-central-1:123456789012:inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0',
      'arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
    ])
  })

  it('never grants another model', () => {
    const arns = modelResourceArns('us.amazon.nova-pro-v1:0', at)
    expect(arns.every((arn) => arn.endsWith('/us.amazon.nova-pro-v1:0') || arn.endsWith('/amazon.nova-pro-v1:0'))).toBe(true)
  })
})
