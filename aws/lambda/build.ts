/**
 * Bundles the Lambda proxy to aws/lambda/dist/index.mjs (handler `index.handler`), the code the local
 * Lambda runs under aws-lambda-ric. `npx tsx aws/lambda/build.ts`
 */
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { statSync } from 'node:fs'
import { LAMBDA_ENTRY, lambdaBuildOptions } from './bundle-options'

export const LAMBDA_DIST = fileURLToPath(new URL('./dist/', import.meta.url))

/** Bundles `entry` to `outdir`/index.mjs with the deployed options (./bundle-options.ts): every function's build. */
export async function bundleLambda(entry: string, outdir: string): Promise<{ outfile: string; bytes: number }> {
  const outfile = `${outdir.replace(/\/$/, '')}/index.mjs`
  await build({ ...lambdaBuildOptions, entryPoints: [entry], outfile, logLevel: 'warning' })
  return { outfile, bytes: statSync(outfile).size }
}

export function buildLambda(outdir = LAMBDA_DIST): Promise<{ outfile: string; bytes: number }> {
  return bundleLambda(LAMBDA_ENTRY, outdir)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outfile, bytes } = await buildLambda()
  console.log(`${outfile} ${(bytes / 1024).toFixed(1)} KiB`)
}
