import type { TestProject } from 'vitest/node'
import { startTestUpstream, TEST_API_KEY } from '../../test-support/test-upstream'

declare module 'vitest' {
  export interface ProvidedContext {
    upstreamUrl: string
    upstreamApiKey: string
    /** Every var the Worker reads, with wrangler.toml's value or '' (app/vitest.config.ts). */
    workerVarsFromToml: Record<string, string>
  }
}

/** One test upstream (a Node HTTP server on 127.0.0.1) for all Worker tests; they reach it with fetch. */
export default async function setup(project: TestProject) {
  const upstream = await startTestUpstream()
  project.provide('upstreamUrl', upstream.url)
  project.provide('upstreamApiKey', TEST_API_KEY)
  return () => upstream.stop()
}
