/** `npm run setup:python`: creates aws/agent-python/.venv from the hashed lock (see ./env.ts). */
import { ensurePythonEnv, pythonEnvReady } from './env'

const fresh = pythonEnvReady()
ensurePythonEnv((line) => process.stdout.write(line + '\n')).then(
  (python) => process.stdout.write(fresh ? `Python environment is up to date (${python}).\n` : ''),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  },
)
