import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'
import { unstable_readConfig } from 'wrangler'
import { TEST_AWS_CREDENTIAL, TEST_AWS_REGION } from '../test-support/test-credentials'
import { WORKER_VAR_NAMES } from './server/config'

const root = fileURLToPath(new URL('..', import.meta.url))
// wrangler.toml's [assets] directory is the build output; Wrangler refuses a missing one, and the
// tests need no build (they load app/server.ts through Vite), so an empty dist/ is enough.
mkdirSync(`${root}/dist`, { recursive: true })

// The pool reads .dev.vars beside wrangler.toml, as `wrangler dev` does: so that a developer's own
// file changes nothing here, every var the Worker reads is set below — wrangler.toml's value, the
// test's, or empty (absent). app/server/config.test.ts checks it.
const tomlVars = unstable_readConfig({ config: `${root}/wrangler.toml` }).vars as Record<string, string>
const WORKER_VARS_FROM_TOML = Object.fromEntries(WORKER_VAR_NAMES.map((name) => [name, tomlVars[name] ?? '']))

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
          ...WORKER_VARS_FROM_TOML,
          UPSTREAM_URL: `${inject('upstreamUrl')}/v1/invoke`,
          UPSTREAM_API_KEY: inject('upstreamApiKey'),
          // The edge principal's keys: the test upstream requires SigV4, as the stack's methods do.
          UPSTREAM_AWS_ACCESS_KEY_ID: TEST_AWS_CREDENTIAL.accessKeyId,
          UPSTREAM_AWS_SECRET_ACCESS_KEY: TEST_AWS_CREDENTIAL.secretAccessKey,
          UPSTREAM_AWS_REGION: TEST_AWS_REGION,
          UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1000',
          OWNER_COOKIE_SECRET: 'test-cookie-secret-not-a-secret',
          AUTH_JWKS_URL: inject('jwksUrl'),
          AUTH_ISSUER: 'https://issuer.test.invalid',
          AUTH_AUDIENCE: 'edge-agent-chat-tests',
          // Small enough for a test to reach (app/server/identity/identity.test.ts); each test visitor is a new owner.
          MAX_CONVERSATIONS_PER_OWNER: '5',
        },
      },
    })),
  ],
  test: {
    name: 'edge',
    root,
    include: ['app/**/*.test.ts'],
    // The page's DOM tests run in the `dom` project (vitest.config.ts).
    exclude: ['**/node_modules/**', 'app/**/*.dom.test.ts', 'app/**/*.wire.test.ts'],
    globalSetup: ['./app/test/global-setup.ts'],
    provide: { workerVarsFromToml: WORKER_VARS_FROM_TOML },
    testTimeout: 30_000,
  },
})
