import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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
 * private copy of dist/: wrangler reloads the Worker when its files change (cutting streams in
 * flight), and another test or benchmark may rebuild dist/ meanwhile.
 */
export async function startEdge(upstream: Record<string, string>) {
  // The identity cookie's signing key (a Wrangler secret in production, .dev.vars under `npm run dev`).
  const vars = { OWNER_COOKIE_SECRET: 'e2e-cookie-secret-not-a-secret', ...upstream }
  process.env.WRANGLER_SEND_METRICS = 'false'
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false'
  const build = mkdtempSync(join(tmpdir(), 'edge-build-'))
  cpSync(join(root, 'dist'), build, { recursive: true })
  // An empty vars file of its own: given none, wrangler reads the developer's .dev.vars beside
  // wrangler.toml (an empty envFiles list counts as none), and its values would reach the Worker.
  const varsDir = mkdtempSync(join(tmpdir(), 'edge-vars-'))
  writeFileSync(join(varsDir, 'none.vars'), '')
  const worker = await unstable_dev(join(build, 'index.js'), {
    config: `${root}/wrangler.toml`,
    ip: '127.0.0.1',
    port: 0,
    vars,
    assets: build,
    envFiles: [join(varsDir, 'none.vars')],
    logLevel: 'warn',
    experimental: { disableExperimentalWarning: true },
  })
  return {
    url: `http://127.0.0.1:${worker.port}`,
    stop: async () => {
      await worker.stop()
      rmSync(build, { recursive: true, force: true })
      rmSync(varsDir, { recursive: true, force: true })
    },
  }
}
