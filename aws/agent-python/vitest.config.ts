import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { EXPECT_POLL } from '../../test-support/poll-timeout'

// `npm run test:python`: the tests that run Python (the Python agent through the local chain and on a
// Bedrock stand-in, boto3 as a client of the emulators, the two offline models side by side, the
// `-c agent=python` synth), and the browser chain suite e2e/chain.test.ts with the Python agent
// (CHAIN_AGENT=python). The `*.python.test.ts` files are left out of `npm test`, so the quick start
// and `npm test` need no Python; this run sets up aws/agent-python/.venv first (./global-setup.ts)
// and fails, never skips, when Python is missing. One file at a time: each starts an agent process,
// and the machine may have two cores.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'python',
    environment: 'node',
    include: ['aws/**/*.python.test.ts', 'e2e/chain.test.ts'],
    exclude: ['**/node_modules/**', '**/.venv/**', '**/dist/**'],
    env: { CHAIN_AGENT: 'python' },
    globalSetup: ['aws/agent-python/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    expect: EXPECT_POLL,
    hookTimeout: 180_000,
  },
})
