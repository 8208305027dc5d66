/**
 * The container's entry point: `node dist/main.js` in the image, `tsx aws/agent/main.ts` locally.
 * Listens on AGENT_HOST (default 127.0.0.1; the image sets 0.0.0.0) and PORT (default 8080; 0 picks
 * a free port) and prints one JSON line {"event":"agent_ready","url":...} when it accepts requests.
 */
import { startAgent } from './app'

async function main(): Promise<void> {
  // startAgent parses the configuration from process.env (aws/agent/config.ts) and fails on a bad value before listening.
  const agent = await startAgent()
  process.stdout.write(JSON.stringify({ event: 'agent_ready', url: agent.url, model: agent.config.modelId ?? 'offline' }) + '\n')
  const stop = () => void agent.close().finally(() => process.exit(0))
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`agent failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
