import { defineConfig } from 'vitest/config'

// `npm run conformance` (./run.ts): the contracts only, in one process (one local cloud or one set of
// clients for the whole run), one test at a time (the contracts share the target's concurrency).
export default defineConfig({
  test: {
    name: 'conformance',
    root: new URL('../..', import.meta.url).pathname,
    include: ['aws/conformance/**/*.conformance.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    execArgv: ['--disable-warning=FSTDEP023'],
  },
})
