import build from '@hono/vite-build/cloudflare-workers'
import cloudflareAdapter from '@hono/vite-dev-server/cloudflare'
import honox from 'honox/vite'
import { delimiter } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '')

// `vite build --mode client` bundles the island code into dist/static (honox's client plugin);
// `vite build` then bundles the Worker into dist/index.js (@hono/vite-build's Cloudflare Workers
// target). `vite` (dev) runs the app with the Cloudflare adapter: wrangler.toml's vars and bindings,
// and .dev.vars' secrets, exactly as `wrangler dev` and `wrangler deploy` see them — unless
// EDGE_DEV_VARS_FILES lists the files to read instead (`npm run dev` and the tests set it: the
// local cloud's port of this run, a test's own vars, never the developer's file by accident).
const envFiles = process.env.EDGE_DEV_VARS_FILES?.split(delimiter).filter(Boolean)
const adapter = () => cloudflareAdapter({ proxy: envFiles?.length ? { envFiles } : {} })

export default defineConfig({
  server: {
    host: '127.0.0.1',
    fs: {
      // The dev server serves files under the project through /@fs/: only what the page needs.
      // Vite's defaults (.env*, certificates, .git) plus the Worker's secrets (.dev.vars*), keys,
      // and the repository's own dot-files and dot-folders (.ci, .wrangler, .local, ...).
      deny: ['.env', '.env.*', '.dev.vars', '.dev.vars.*', '*.{crt,pem,key,p12,pfx}', '**/.git/**', `${root}/.*`, `${root}/.*/**`],
    },
  },
  plugins: [honox({ devServer: { adapter } }), build()],
})
