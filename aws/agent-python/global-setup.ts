/** `npm run test:python` first makes sure the Python agent's venv matches the lock (aws/local/python/env.ts). */
import { ensurePythonEnv } from '../local/python/env'

export default async function setup(): Promise<void> {
  await ensurePythonEnv((line) => console.log(line))
}
