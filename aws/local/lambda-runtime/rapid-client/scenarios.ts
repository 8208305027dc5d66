/** The invocations recorded with the native addon and replayed against the replacement. */
import { fileURLToPath } from 'node:url'
import type { Scenario } from './recorder'

const codeDir = fileURLToPath(new URL('../fixtures/native-client-function/', import.meta.url))

export const SCENARIOS = {
  /** GET /next, POST /response (the handler's JSON), GET /next. */
  success: { codeDir, handler: 'handlers.ok' },
  /** GET /next, POST /error (formatted error + X-Ray cause header), GET /next. */
  bufferedError: { codeDir, handler: 'handlers.fail' },
  /** The module throws while loading: POST /init/error. */
  initError: { codeDir, handler: 'init-error.handler' },
} satisfies Record<string, Scenario>

export function fixturePath(ricVersion: string): string {
  return fileURLToPath(new URL(`../fixtures/native-client-${ricVersion}.json`, import.meta.url))
}
