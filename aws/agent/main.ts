/**
 * The container's entry point: `node dist/main.js` in the image, `tsx aws/agent/main.ts` locally.
 * Listens on AGENT_HOST (default 127.0.0.1; the image sets 0.0.0.0) and PORT (default 8080; 0 picks
 * a free port) and prints one JSON line {"event":"agent_ready","url":...} when it accepts requests.
 */
import { startAgent } from './app'
import { ConfigError } from './config'

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`PORT must be a port number, got "${process.env.PORT}"`)
  // startAgent reads the configuration from process.env (and fails on a bad value before listening).
  const agent = await startAgent({ host: process.env.AGENT_HOST?.trim() || '127.0.0.1', port })
  process.stdout.write(JSON.stringify({ event: 'agent_ready', url: agent.url, model: agent.config.modelId ?? 'offline' }) + '\n')
  const stop = () => void agent.close().finally(() => process.exit(0))
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`agent failed to start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
