import { describe, expect, it } from 'vitest'
import { DEFAULT_RECORD_DIR, parseConformanceArgs, UsageError } from './args'

describe('parseConformanceArgs', () => {
  it('defaults to the local cloud, recording nothing', () => {
    expect(parseConformanceArgs([])).toEqual({ target: 'local', stack: 'EdgeAgentChat', region: undefined, apiKey: undefined, recordDir: undefined, help: false })
  })

  it('reads --target aws --stack NAME and records by default', () => {
    expect(parseConformanceArgs(['--target', 'aws', '--stack', 'MyChat', '--region', 'eu-west-1'])).toMatchObject({
      target: 'aws',
      stack: 'MyChat',
      region: 'eu-west-1',
      recordDir: DEFAULT_RECORD_DIR,
    })
    expect(parseConformanceArgs(['--target=aws', '--no-record']).recordDir).toBeUndefined()
    expect(parseConformanceArgs(['--target', 'aws', '--record', '/tmp/out', '--api-key', 'k']).recordDir).toBe('/tmp/out')
  })

  it('refuses what does not fit, with a message naming it', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--target', 'gcp'], /--target must be local or aws/],
      [['--stack', 'X'], /--stack applies to --target aws only/],
      [['--target', 'aws', '--region', 'Mars'], /not an AWS region name/],
      [['--target', 'aws', '--stack', 'bad name'], /not a CloudFormation stack name/],
      [['--target', 'aws', '--record', 'x', '--no-record'], /exclude each other/],
      [['--bogus'], /Unknown option '--bogus'/],
      [['positional'], /positional/],
    ]
    for (const [argv, message] of cases) {
      expect(() => parseConformanceArgs(argv)).toThrow(UsageError)
      expect(() => parseConformanceArgs(argv)).toThrow(message)
    }
  })
})
