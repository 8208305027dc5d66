/**
 * `npm run preview`'s web server: the build (wrangler.toml's `main`, dist/index.js, and its assets)
 * in workerd through wrangler's own startWorker API — what `wrangler dev` runs, but with its
 * inspector off. `wrangler dev`'s inspector proxy enables the runtime's Network events and posts each
 * one to wrangler's Node process as a request of its own: at 200 parallel answers that ran wrangler's
 * workerd out of file descriptors at a limit of 20,000; with the inspector off, 200 answers hold about
 * 2,000 (bench/report.md, "`npm run preview` with parallel streams"). The command line has no switch
 * for it, hence this script (started by ./dev.ts).
 * Usage: preview-server.ts <host> <port> [vars file...] — the vars files as `wrangler dev --env-file`.
 */
import { fileURLToPath } from 'node:url'
import { unstable_startWorker } from 'wrangler'

const [host = '127.0.0.1', port = '8787', ...envFiles] = process.argv.slice(2)
// wrangler's bundler warns here that the build's node:async_hooks import needs nodejs_compat: its check
// does not see wrangler.toml's flags on this API, the runtime does (the app would not load without it).
const worker = await unstable_startWorker({
  config: fileURLToPath(new URL('../../wrangler.toml', import.meta.url)),
  envFiles,
  dev: { server: { hostname: host, port: Number(port) }, inspector: false, watch: false },
})
await worker.ready
process.stdout.write(`Ready on ${(await worker.url).href}\n`)
const stop = () => void worker.dispose().finally(() => process.exit(0))
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
