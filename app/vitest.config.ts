import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineProject } from 'vitest/config'
import { experimental_readRawConfig } from 'wrangler'
import { TEST_AWS_CREDENTIAL, TEST_AWS_REGION } from '../test-support/test-credentials'
import { EXPECT_POLL } from '../test-support/poll-timeout'
import { WORKER_VAR_NAMES } from './server/config'

const root = fileURLToPath(new URL('..', import.meta.url))
// wrangler.toml's [assets] directory is the build output; Wrangler refuses a missing one, and the
// tests need no build (they load app/server.ts through Vite), so an empty dist/ is enough.
mkdirSync(`${root}/dist`, { recursive: true })

// The pool reads the .dev.vars beside the wrangler config it is given, as `wrangler dev` does, and has
// no switch to read none. So it is given a copy of wrangler.toml (as JSON, its paths made absolute) in
// a folder of its own under .wrangler/ (git-ignored), where no .dev.vars is: a developer's own file is
// never read by these tests. Every var the Worker reads is also set below — wrangler.toml's value, the
// test's, or empty (absent). app/server/config.test.ts checks both.
const { rawConfig } = experimental_readRawConfig({ config: `${root}/wrangler.toml` })
const testConfig = `${root}/.wrangler/edge-tests/wrangler.json`
mkdirSync(resolve(testConfig, '..'), { recursive: true })
writeFileSync(
  `${testConfig}.${process.pid}`,
  JSON.stringify({ ...rawConfig, main: resolve(root, rawConfig.main!), assets: { ...rawConfig.assets, directory: resolve(root, rawConfig.assets!.directory!) } }),
)
renameSync(`${testConfig}.${process.pid}`, testConfig) // whole, for a process that reads it meanwhile
const tomlVars = (rawConfig.vars ?? {}) as Record<string, string>
const WORKER_VARS_FROM_TOML = Object.fromEntries(WORKER_VAR_NAMES.map((name) => [name, tomlVars[name] ?? '']))

// The edge app's tests run inside workerd (the Workers runtime), with the bindings of wrangler.toml
// (including the RATE_LIMITER binding, which Miniflare simulates) and the vars pointed at a test
// upstream that global-setup starts on 127.0.0.1.
export default defineProject({

  plugins: [
    cloudflareTest(async ({ inject }) => ({
      main: './app/server.ts',
      wrangler: { configPath: testConfig },
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
    expect: EXPECT_POLL,
  },
})
