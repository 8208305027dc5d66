import { cloudflare } from '@cloudflare/vite-plugin'
import build, { defaultOptions as workerBuildDefaults } from '@hono/vite-build/cloudflare-workers'
import cloudflareAdapter from '@hono/vite-dev-server/cloudflare'
import honox from 'honox/vite'
import { readFileSync } from 'node:fs'
import { delimiter } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseEnv } from 'node:util'
import { defineConfig, type PluginOption } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '')

// `vite build --mode client` bundles the island code into dist/static (honox's client plugin);
// `vite build` then bundles the Worker into dist/index.js (@hono/vite-build's Cloudflare Workers
// target), with the Durable Object classes exported beside the app (wrangler.toml binds them).
//
// `vite` (dev) runs the Worker in workerd with the Cloudflare Vite plugin, not in Node: the app's
// own Durable Objects (conversations) cannot run behind wrangler's getPlatformProxy, which
// @hono/vite-dev-server's Cloudflare adapter uses (it binds Durable Objects of other scripts only).
// HonoX's Node dev server is left out there; its islands and routes plugins stay. The Worker gets
// wrangler.toml's vars and bindings and .dev.vars' secrets, as `wrangler dev` does — unless
// EDGE_DEV_VARS_FILES lists the files to read instead, in order, later values winning (`npm run dev`
// and the tests set it: the local cloud's port of this run, a test's own vars). Those are read here and
// given as vars, and an empty `secrets.required` tells wrangler to load nothing from ./.dev.vars itself.
const envFiles = process.env.EDGE_DEV_VARS_FILES?.split(delimiter).filter(Boolean) ?? []
const fileVars = Object.assign({}, ...envFiles.map((f) => parseEnv(readFileSync(f, 'utf8')))) as Record<string, string>
const adapter = () => cloudflareAdapter({ proxy: envFiles.length ? { envFiles } : {} })

const durableObjectExports = () => `export { Conversation, OwnerIndex } from '/app/server.ts'`

// The Worker's dependencies are pre-bundled once, at start: the Cloudflare plugin scans from
// app/server.ts, but HonoX finds the routes with import.meta.glob, which the scan does not follow;
// without the routes as entries Vite discovers their imports one at a time while the Worker runs,
// reloading it each time, and a start or a request mid-reload fails.
const workerScanEntries = ['app/routes/**/*.{ts,tsx}', 'app/server/**/*.ts', '!**/*.test.ts']
// Imported by code HonoX generates at run time (its app and island wrappers), which no scan sees.
const workerDeps = ['hono', 'honox/server', 'honox/factory', 'honox/vite/components']
// The page's dependencies, pre-bundled at start as well. The browser's scan starts from an
// index.html this app does not have, so without a list Vite meets each one on the first page load,
// bundles it then and reloads the page; the island's imports in flight fail and the composer stays
// disabled until a second load (e2e/dev-first-load.test.ts). The JSX runtimes are what the island's
// compiled JSX imports (dev and build), hono/jsx/dom what honox/client renders with.
const clientScanEntries = ['app/client.ts', 'app/islands/**/*.tsx']
const clientDeps = [
  'honox/client',
  'honox/vite/components',
  'hono/jsx',
  'hono/jsx/dom',
  'hono/jsx/jsx-runtime',
  'hono/jsx/jsx-dev-runtime',
  'eventsource-parser',
  'marked',
  'lowlight',
]

export default defineConfig(({ command }) => ({
  server: {
    host: '127.0.0.1',
    fs: {
      // The dev server serves files under the project through /@fs/: only what the page needs.
      // Vite's defaults (.env*, certificates, .git) plus the Worker's secrets (.dev.vars*), keys,
      // and the repository's own dot-files and dot-folders (.ci, .wrangler, .local, ...).
      deny: ['.env', '.env.*', '.dev.vars', '.dev.vars.*', '*.{crt,pem,key,p12,pfx}', '**/.git/**', `${root}/.*`, `${root}/.*/**`],
    },
    // .wrangler/ holds the local Durable Objects' SQLite files, and the local cloud bundles Lambda
    // functions into aws/*/dist/ when a path first needs one (the websocket function on its first
    // connection): a new file there must not look like a new source file (HonoX restarts the dev
    // server when a file is added, failing the request in flight).
    watch: { ignored: ['**/.wrangler/**', `${root}/aws/**/dist/**`] },
  },
  environments:
    command === 'serve'
      ? {
          client: { optimizeDeps: { entries: clientScanEntries, include: clientDeps } },
          worker: { optimizeDeps: { entries: workerScanEntries, include: workerDeps } },
        }
      : undefined,
  plugins:
    command === 'serve'
      ? [
          withoutNodeDevServer(honox()),
          cloudflare({
            viteEnvironment: { name: 'worker' },
            config: (worker) => ({
              main: './app/server.ts',
              ...(envFiles.length && { vars: { ...worker.vars, ...fileVars }, secrets: { required: [] } }),
            }),
          }),
        ]
      : [
          honox({ devServer: { adapter } }),
          build({ external: ['cloudflare:workers'], entryContentAfterHooks: [...(workerBuildDefaults.entryContentAfterHooks ?? []), durableObjectExports] }),
        ],
}))

function withoutNodeDevServer(plugins: PluginOption[]): PluginOption[] {
  return plugins.flat().filter((p) => !(p && typeof p === 'object' && 'name' in p && p.name === '@hono/vite-dev-server'))
}
