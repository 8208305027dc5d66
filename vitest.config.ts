import { defineConfig } from 'vitest/config'
import { EXPECT_POLL } from './test-support/poll-timeout'

// `npm test`: every test except the browser ones (those run with `npm run test:browser`, which needs
// Chromium). Each project is one runtime: Node for the AWS side and the shared protocol, workerd for
// the edge app.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          // relay.test.ts runs in workerd (project edge) and here, in Node, where `vite` dev runs the route;
          // *.wire.test.ts start the routes in their own workerd and talk to it over a socket.
          include: ['protocol/**/*.test.ts', 'aws/**/*.test.ts', 'bench/**/*.test.ts', 'app/server/relay.test.ts', 'app/**/*.wire.test.ts', 'vite.config.test.ts', 'package.test.ts'],
          // bench/results holds the benchmark's scratch copies of the app; aws/**/dist, build output.
          // *.python.test.ts need Python: `npm run test:python` (aws/agent-python/vitest.config.ts) runs them.
          exclude: ['**/node_modules/**', 'bench/results/**', '**/dist/**', 'cdk.out/**', '**/*.python.test.ts', '**/.venv/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          expect: EXPECT_POLL,
          // bedrock-agentcore's BedrockAgentCoreApp (the agent, aws/agent/app.ts) passes Fastify the
          // `disableRequestLogging` option that Fastify 5.12 deprecates (FSTDEP023): nothing of ours
          // to change, and it printed on every agent start. package.json's dev, preview and agent
          // scripts pass the same flag.
          execArgv: ['--disable-warning=FSTDEP023'],
        },
      },
      'app/vitest.config.ts',
      {
        // The page's DOM code (app/client/*.dom.test.ts) in happy-dom: workerd has no DOM.
        test: { name: 'dom', environment: 'happy-dom', include: ['app/client/**/*.dom.test.ts'], testTimeout: 60_000, expect: EXPECT_POLL },
      },
    ],
  },
})
