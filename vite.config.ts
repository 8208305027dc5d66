import build from '@hono/vite-build/cloudflare-workers'
import adapter from '@hono/vite-dev-server/cloudflare'
import honox from 'honox/vite'
import { defineConfig } from 'vite'

// `vite build --mode client` bundles the island code into dist/static (honox's client plugin);
// `vite build` then bundles the Worker into dist/index.js (@hono/vite-build's Cloudflare Workers
// target). `vite` (dev) runs the app with the Cloudflare adapter: wrangler.toml's vars and bindings,
// and .dev.vars' secrets, exactly as `wrangler dev` and `wrangler deploy` see them.
export default defineConfig({
  server: { host: '127.0.0.1' },
  plugins: [honox({ devServer: { adapter } }), build()],
})
