import type { TestProject } from 'vitest/node'
import type { JWK } from 'jose'
import { startTestUpstream, TEST_API_KEY } from '../../test-support/test-upstream'
import { startTestIssuer } from './test-issuer'
import { startTestWebSocketApi } from '../../test-support/test-websocket-api'

declare module 'vitest' {
  export interface ProvidedContext {
    upstreamUrl: string
    upstreamApiKey: string
    /** Every var the Worker reads, with wrangler.toml's value or '' (app/vitest.config.ts). */
    workerVarsFromToml: Record<string, string>
    jwksUrl: string
    issuerPrivateJwk: JWK
    foreignPrivateJwk: JWK
    /** The WebSocket API emulator with a scripted function (test-support/test-websocket-api.ts). */
    webSocketUrl: string
    webSocketSeenUrl: string
    /** The seed of app/server/conversation/disconnect.test.ts's random cut points: DISCONNECT_SEED, else a fresh one. */
    disconnectSeed: number
  }
}

/** One test upstream (a Node HTTP server on 127.0.0.1) for all Worker tests; they reach it with fetch. */
export default async function setup(project: TestProject) {
  const upstream = await startTestUpstream()
  const issuer = await startTestIssuer()
  const webSocketApi = await startTestWebSocketApi()
  project.provide('webSocketUrl', webSocketApi.url)
  project.provide('webSocketSeenUrl', webSocketApi.seenUrl)
  project.provide('upstreamUrl', upstream.url)
  project.provide('upstreamApiKey', TEST_API_KEY)
  project.provide('jwksUrl', issuer.jwksUrl)
  project.provide('issuerPrivateJwk', issuer.privateJwk)
  project.provide('foreignPrivateJwk', issuer.foreignJwk)
  project.provide('disconnectSeed', Number(process.env.DISCONNECT_SEED) || Math.floor(Math.random() * 2 ** 31))
  return async () => {
    await upstream.stop()
    await issuer.stop()
    await webSocketApi.stop()
  }
}
