import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'

const root = fileURLToPath(new URL('..', import.meta.url))
// wrangler.toml's [assets] directory is the build output; Wrangler refuses a missing one, and the
// tests need no build (they load app/server.ts through Vite), so an empty dist/ is enough.
mkdirSync(`${root}/dist`, { recursive: true })

// The edge app's tests run inside workerd (the Workers runtime), with the bindings of wrangler.toml
// (including the RATE_LIMITER binding, which Miniflare simulates) and the vars pointed at a test
// upstream that global-setup starts on 127.0.0.1.
export default defineProject({

  plugins: [
    cloudflareTest(async ({ inject }) => ({
      main: './app/server.ts',
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          UPSTREAM_URL: `${inject('upstreamUrl')}/v1/invoke`,
          UPSTREAM_API_KEY: inject('upstreamApiKey'),
          UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1000',
        },
      },
    })),
  ],
  test: {
    name: 'edge',
    root,
    include: ['app/**/*.test.ts'],
    // The page's DOM tests run in the `dom` project (vitest.config.ts).
    exclude: ['**/node_modules/**', 'app/**/*.dom.test.ts'],
    globalSetup: ['./app/test/global-setup.ts'],
    testTimeout: 30_000,
  },
})
