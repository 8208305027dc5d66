/**
 * Bundles the agent-in-Lambda to aws/lambda-agent/dist/index.mjs (handler `index.handler`), with the
 * proxy's esbuild options (aws/lambda/bundle-options.ts), so what runs locally under aws-lambda-ric is
 * what the CDK app deploys (aws/lib/lambda-agent-path.ts). `npx tsx aws/lambda-agent/build.ts`
 */
import { fileURLToPath } from 'node:url'
import { bundleLambda } from '../lambda/build'

export const LAMBDA_AGENT_ENTRY = fileURLToPath(new URL('./handler.ts', import.meta.url))
export const LAMBDA_AGENT_DIST = fileURLToPath(new URL('./dist/', import.meta.url))

export function buildLambdaAgent(outdir = LAMBDA_AGENT_DIST): Promise<{ outfile: string; bytes: number }> {
  return bundleLambda(LAMBDA_AGENT_ENTRY, outdir)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outfile, bytes } = await buildLambdaAgent()
  console.log(`${outfile} ${(bytes / 1024).toFixed(1)} KiB`)
}
