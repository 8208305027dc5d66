/**
 * Bundles the WebSocket API's function to aws/lambda/dist/websocket/index.mjs (handler
 * `index.handler`), with the proxy's esbuild options (../bundle-options.ts), so what runs locally
 * under aws-lambda-ric is what deploys. `npx tsx aws/lambda/websocket/build.ts`
 */
import { fileURLToPath } from 'node:url'
import { bundleLambda } from '../build'

export const WEBSOCKET_ENTRY = fileURLToPath(new URL('./handler.ts', import.meta.url))
export const WEBSOCKET_DIST = fileURLToPath(new URL('../dist/websocket/', import.meta.url))
export const WEBSOCKET_HANDLER = 'index.handler'

export function buildWebSocketLambda(outdir = WEBSOCKET_DIST): Promise<{ outfile: string; bytes: number }> {
  return bundleLambda(WEBSOCKET_ENTRY, outdir)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outfile, bytes } = await buildWebSocketLambda()
  console.log(`${outfile} ${(bytes / 1024).toFixed(1)} KiB`)
}
