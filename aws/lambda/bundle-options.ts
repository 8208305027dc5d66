/**
 * The esbuild options of the Lambda bundle, shared by aws/lambda/build.ts (local runs under
 * aws-lambda-ric) and the CDK NodejsFunction, so what runs locally is what deploys.
 */
import type { BuildOptions } from 'esbuild'
import { fileURLToPath } from 'node:url'

export const LAMBDA_ENTRY = fileURLToPath(new URL('./handler.ts', import.meta.url))
export const LAMBDA_HANDLER = 'index.handler'

/**
 * ESM, Node 22, minified, everything bundled (the AWS SDK too: a pinned client, not the runtime's).
 * The banner gives the ESM bundle a `require` for CommonJS dependencies that require Node built-ins.
 */
export const lambdaBuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  mainFields: ['module', 'main'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
} as const satisfies BuildOptions
