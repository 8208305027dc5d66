import { execFile } from 'node:child_process'
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { unstable_dev } from 'wrangler'

const root = fileURLToPath(new URL('..', import.meta.url))
const run = promisify(execFile)

/** `npm run build`: the client bundle and the Worker, as `wrangler deploy` would upload them. */
export async function buildEdgeApp(): Promise<void> {
  // NODE_ENV=test (set by vitest) would make Vite build a development bundle.
  const env = { ...process.env, NODE_ENV: 'production', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' }
  await run('npx', ['vite', 'build', '--mode', 'client'], { cwd: root, env })
  await run('npx', ['vite', 'build'], { cwd: root, env })
}

/**
 * Serves the built Worker with wrangler's local runtime (workerd, the same as `wrangler dev`) on
 * 127.0.0.1 and an ephemeral port, with the upstream vars pointed at a test upstream. It serves a
 * folder of its own: a copy of dist/ and of wrangler.toml beside it (so the config's relative paths
 * mean the same). wrangler restarts the Worker when its files or its config change, cutting the
 * streams in flight and answering a POST that is waiting for its response with its own 503 ("Your
 * worker restarted mid-request", no JSON body): another test or benchmark may rebuild dist/
 * meanwhile, and a git checkout or rebase rewrites wrangler.toml (touching it restarts every Worker
 * served from it). With the config in that folder, wrangler's own files (.wrangler/tmp, the Durable
 * Objects' SQLite under .wrangler/state) are the instance's own too, and go with it.
 */
export async function startEdge(upstream: Record<string, string>) {
  // The identity cookie's signing key (a Wrangler secret in production, .dev.vars under `npm run dev`).
  const vars = { OWNER_COOKIE_SECRET: 'e2e-cookie-secret-not-a-secret', ...upstream }
  process.env.WRANGLER_SEND_METRICS = 'false'
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
  const home = mkdtempSync(join(tmpdir(), 'edge-build-'))
  const build = join(home, 'dist')
  cpSync(join(root, 'dist'), build, { recursive: true })
  copyFileSync(join(root, 'wrangler.toml'), join(home, 'wrangler.toml'))
  // An empty vars file of its own: given none, wrangler reads the developer's .dev.vars beside
  // wrangler.toml (an empty envFiles list counts as none), and its values would reach the Worker.
  writeFileSync(join(home, 'none.vars'), '')
  const worker = await unstable_dev(join(build, 'index.js'), {
    config: join(home, 'wrangler.toml'),
    ip: '127.0.0.1',
    port: 0,
    vars,
    assets: build,
    envFiles: [join(home, 'none.vars')],
    logLevel: 'warn',
    experimental: { disableExperimentalWarning: true },
  })
  return {
    url: `http://127.0.0.1:${worker.port}`,
    stop: async () => {
      await worker.stop()
      rmSync(home, { recursive: true, force: true })
    },
  }
}
