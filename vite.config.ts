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
// wrangler.toml's vars and bindings and .dev.vars' secrets, as `wrangler dev` does; EDGE_DEV_VARS_FILES
// (a list of files) adds their variables on top of wrangler.toml's vars (a ./.dev.vars still applies last).
const envFiles = process.env.EDGE_DEV_VARS_FILES?.split(delimiter).filter(Boolean) ?? []
const extraVars = Object.assign({}, ...envFiles.map((f) => parseEnv(readFileSync(f, 'utf8')))) as Record<string, string>
const adapter = () => cloudflareAdapter({ proxy: envFiles.length ? { envFiles } : {} })

const durableObjectExports = () => `export { Conversation, OwnerIndex } from '/app/server.ts'`

// The Worker's dependencies, optimized once at start: left to discovery, Vite finds them one import at
// a time, reloading the Worker each time, and the first start after an install fails mid-reload.
const workerDeps = [
  'hono',
  'hono/body-limit',
  'hono/cookie',
  'hono/factory',
  'hono/http-exception',
  'hono/jsx',
  'hono/jsx-renderer',
  'hono/jsx/jsx-dev-runtime',
  'hono/secure-headers',
  'honox/factory',
  'honox/server',
  'honox/vite/components',
  '@hono/zod-validator',
  'aws4fetch',
  'eventsource-parser',
  'jose',
  'zod',
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
    // .wrangler/ holds the local Durable Objects' SQLite files: a new one must not look like a new
    // source file (HonoX restarts the dev server when a file is added).
    watch: { ignored: ['**/.wrangler/**'] },
  },
  environments: command === 'serve' ? { worker: { optimizeDeps: { include: workerDeps } } } : undefined,
  plugins:
    command === 'serve'
      ? [
          withoutNodeDevServer(honox()),
          cloudflare({
            viteEnvironment: { name: 'worker' },
            config: (worker) => ({ main: './app/server.ts', vars: { ...worker.vars, ...extraVars } }),
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
