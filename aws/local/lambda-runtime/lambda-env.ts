/**
 * The environment AWS Lambda gives a Node.js function process (the reserved variables documented in
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * plus the function's own variables. The process starts from this clean set, not from the caller's
 * environment, so a handler that works locally does not depend on something only a laptop has.
 */
import { randomBytes } from 'node:crypto'

export interface LambdaFunctionConfig {
  /** The directory holding the bundle (LAMBDA_TASK_ROOT, also the process's cwd). */
  codeDir: string
  /** `<module>.<export>`, e.g. `index.handler` (the `_HANDLER` variable). */
  handler: string
  /** The function's own environment variables (AGENT_RUNTIME_ARN, HEARTBEAT_MS, credentials...). */
  env?: Record<string, string | undefined>
  functionName?: string
  memorySizeMb?: number
  /** The function timeout; an invocation running longer is killed like Lambda does. */
  timeoutMs?: number
  region?: string
}

export const DEFAULTS = {
  functionName: 'edge-agent-chat-proxy',
  memorySizeMb: 1024,
  // API Gateway REST streaming allows 15 min; the CDK app sets the function timeout to match.
  timeoutMs: 900_000,
  region: 'us-east-1',
} as const

export function functionArn(config: LambdaFunctionConfig): string {
  const region = config.region ?? DEFAULTS.region
  return `arn:aws:lambda:${region}:000000000000:function:${config.functionName ?? DEFAULTS.functionName}`
}

/** The variables one runtime process (one "execution environment") sees. */
export function lambdaEnvironment(config: LambdaFunctionConfig, runtimeApi: string): Record<string, string> {
  const name = config.functionName ?? DEFAULTS.functionName
  const region = config.region ?? DEFAULTS.region
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/')
  const reserved: Record<string, string> = {
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memorySizeMb ?? DEFAULTS.memorySizeMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    LAMBDA_TASK_ROOT: config.codeDir,
    _HANDLER: config.handler,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    // Lambda's PATH points at its own runtime; locally the node binary's directory is what matters.
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  }
  const own = Object.fromEntries(Object.entries(config.env ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'))
  // Reserved names win, as in Lambda (they cannot be set as function variables).
  return { ...own, ...reserved }
}
