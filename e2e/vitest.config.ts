import { defineConfig } from 'vitest/config'

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
    // expect.poll waits for a state that must come (the page rendered, a process's event); vitest's
    // default gives up after 1 s, a wall-clock limit a loaded machine misses (a reload took over 1 s at
    // load 14 on two cores, and e2e/conversations.test.ts failed there). Polls that say otherwise keep theirs.
    expect: { poll: { timeout: 20_000 } },
    hookTimeout: 180_000,
    // The agent's Fastify deprecation warning from bedrock-agentcore (see vitest.config.ts).
    execArgv: ['--disable-warning=FSTDEP023'],
  },
})
