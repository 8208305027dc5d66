/**
 * `npm run conformance -- [--target local|aws] [--stack <name>] [--region <region>] [--api-key <value>]
 * [--record <dir>] [--no-record]`: what the conformance run is pointed at. node:util's parseArgs
 * does the parsing; this module only says what is allowed together.
 */
import { parseArgs } from 'node:util'

export type TargetKind = 'local' | 'aws'

export interface ConformanceArgs {
  target: TargetKind
  /** CloudFormation stack name (aws only); default EdgeAgentChat, as aws/bin names it. */
  stack: string
  /** The stack's region (aws only); default: the AWS SDK's own (AWS_REGION, the profile). */
  region?: string
  /** The API key's value; default: read with apigateway:GetApiKey from the stack's ApiKeyId output. */
  apiKey?: string
  /** Where fresh fixtures go; aws records by default (aws/local/fixtures/recorded), local only when asked. */
  recordDir?: string
  help: boolean
}

export const DEFAULT_STACK = 'EdgeAgentChat'
export const DEFAULT_RECORD_DIR = 'aws/local/fixtures/recorded'

export const USAGE = `Usage: npm run conformance -- [options]

  --target local|aws   local (default): starts the local cloud on 127.0.0.1 and runs the contracts
                       against it; aws: runs them against a deployed stack (AWS credentials needed)
  --stack <name>       the deployed stack (aws only; default ${DEFAULT_STACK})
  --region <region>    its region (aws only; default from AWS_REGION / the profile)
  --api-key <value>    the API key's value (aws only; default: read via the stack's ApiKeyId output)
  --record <dir>       write the observed behaviour as fixtures there (aws default: ${DEFAULT_RECORD_DIR})
  --no-record          do not write fixtures (aws)
  -h, --help           this text
  -- <vitest options>  passed to vitest as they are (e.g. -- -t cancel, -- --reporter=json)
`

export class UsageError extends Error {}

export function parseConformanceArgs(argv: readonly string[]): ConformanceArgs {
  let values
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      options: {
        target: { type: 'string', default: 'local' },
        stack: { type: 'string' },
        region: { type: 'string' },
        'api-key': { type: 'string' },
        record: { type: 'string' },
        'no-record': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }))
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const target = values.target
  if (target !== 'local' && target !== 'aws') throw new UsageError(`--target must be local or aws, not ${JSON.stringify(target)}`)
  if (target === 'local') {
    for (const name of ['stack', 'region', 'api-key'] as const) {
      if (values[name] !== undefined) throw new UsageError(`--${name} applies to --target aws only`)
    }
  }
  if (values.record !== undefined && values['no-record']) throw new UsageError('--record and --no-record exclude each other')
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(values.region)) throw new UsageError(`--region ${values.region} is not an AWS region name`)
  if (values.stack !== undefined && !/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(values.stack)) throw new UsageError(`--stack ${values.stack} is not a CloudFormation stack name`)
  const recordDir = values['no-record'] ? undefined : (values.record ?? (target === 'aws' ? DEFAULT_RECORD_DIR : undefined))
  return {
    target,
    stack: values.stack ?? DEFAULT_STACK,
    region: values.region,
    apiKey: values['api-key'],
    recordDir,
    help: values.help,
  }
}
