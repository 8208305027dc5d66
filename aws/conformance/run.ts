/**
 * `npm run conformance [-- --target aws --stack EdgeAgentChat]`: resolves the target, then runs the
 * contracts (./contracts.conformance.ts) with vitest under ./vitest.config.ts. For a deployed stack it
 * first resolves AWS credentials (default chain; a clear refusal without them), reads the stack's
 * outputs (DescribeStacks) and the API key's value (apigateway:GetApiKey, unless --api-key is given).
 * Exit codes: vitest's, or 2 for a usage error or a target that cannot be resolved (no credentials,
 * no such stack), with the reason on stderr.
 */
import { APIGatewayClient, GetApiKeyCommand } from '@aws-sdk/client-api-gateway'
import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseConformanceArgs, UsageError, USAGE, type ConformanceArgs } from './args'
import { NoCredentialsError, requireCredentials } from './credentials'
import { readStackConfig, StackConfigError } from './stack-config'
import { TARGET_ENV, type TargetSpec } from './target'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export async function resolveTarget(args: ConformanceArgs): Promise<TargetSpec> {
  if (args.target === 'local') return { kind: 'local', recordDir: args.recordDir }
  const { provider } = await requireCredentials(fromNodeProviderChain())
  const stack = await readStackConfig({ stackName: args.stack, region: args.region, credentials: provider })
  const apiKey = args.apiKey ?? (await readApiKey(stack.region, stack.apiKeyId, provider))
  return { kind: 'aws', stack, apiKey, recordDir: args.recordDir }
}

async function readApiKey(region: string, id: string, credentials: ReturnType<typeof fromNodeProviderChain>): Promise<string> {
  const client = new APIGatewayClient({ region, credentials })
  try {
    const key = await client.send(new GetApiKeyCommand({ apiKey: id, includeValue: true }))
    if (!key.value) throw new Error('the answer has no value')
    return key.value
  } catch (err) {
    throw new StackConfigError(`Could not read the API key ${id}'s value (apigateway:GET on /apikeys/${id}): ${(err as Error).message}. Pass it with --api-key instead.`)
  } finally {
    client.destroy()
  }
}

async function main(argv: string[]): Promise<number> {
  // Arguments after a `--` go to vitest as they are (a reporter for CI, a test name filter).
  const sep = argv.indexOf('--')
  const vitestArgs = sep < 0 ? [] : argv.slice(sep + 1)
  let args: ConformanceArgs
  try {
    args = parseConformanceArgs(sep < 0 ? argv : argv.slice(0, sep))
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`conformance: ${err.message}\n\n${USAGE}`)
    return 2
  }
  if (args.help) {
    process.stdout.write(USAGE)
    return 0
  }
  let spec: TargetSpec
  try {
    spec = await resolveTarget(args)
  } catch (err) {
    if (err instanceof NoCredentialsError || err instanceof StackConfigError) {
      process.stderr.write(`conformance: ${err.message}\n`)
      return 2
    }
    throw err
  }
  const where = spec.kind === 'aws' ? `stack ${spec.stack.stackName} (${spec.stack.region})` : 'the local cloud (started on 127.0.0.1)'
  process.stdout.write(`conformance: running the contracts against ${where}${spec.recordDir ? `; fixtures go to ${spec.recordDir}` : ''}\n`)
  const vitest = spawn(process.execPath, [fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url)), 'run', '--config', 'aws/conformance/vitest.config.ts', ...vitestArgs], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, [TARGET_ENV]: JSON.stringify(spec) },
  })
  return new Promise((resolve) => vitest.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`conformance: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
      process.exit(1)
    },
  )
}
