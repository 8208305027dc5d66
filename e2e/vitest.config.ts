import { defineConfig } from 'vitest/config'

// Browser tests: Debian's Chromium driven by playwright-core. One file at a time: each starts servers
// and a browser, and the machine has two cores.
export default defineConfig({
  test: {
    name: 'browser',
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 180_000,
  },
})
