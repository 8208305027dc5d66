import { defineConfig } from 'vitest/config'
import { EXPECT_POLL } from '../test-support/poll-timeout'

// Tests of the built app: the page in Debian's Chromium driven by playwright-core, the whole local
// chain, and the Worker's deploy dry run. One file at a time: each builds or starts servers and a
// browser, and the machine has two cores.
export default defineConfig({
  test: {
    name: 'browser',
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    expect: EXPECT_POLL,
    hookTimeout: 180_000,
    // The agent's Fastify deprecation warning from bedrock-agentcore (see vitest.config.ts).
    execArgv: ['--disable-warning=FSTDEP023'],
  },
})
