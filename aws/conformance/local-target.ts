/**
 * The contracts against the local cloud (../local/cloud.ts) on 127.0.0.1, started here, plus a probe:
 * the API Gateway emulator in front of ../local/api-gateway/test-function (a streaming function
 * whose behaviour the request picks: errors before and after the first byte, silence, slowness),
 * which is what the function-behaviour contracts need. The deployed stack has no such function.
 */
import { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore'
import { fileURLToPath } from 'node:url'
import { startApiGateway } from '../local/api-gateway/server'
import { DEFAULT_BEHAVIOUR } from '../local/agentcore/behaviour'
import { startLocalCloud, LOCAL_REGION } from '../local/cloud'
import { startLambdaPool } from '../local/lambda-runtime'
import { LOCAL_PROXY_CREDENTIAL } from '../local/proxy-env'
import { DEFAULT_CONFIG } from '../lib/config'
import { init } from './aws-target'
import { apiFetcher } from './signing'
import type { ConformanceTarget, Probe } from './target'

/** Concurrency of the local invoke function: small, so the throttling contract can fill it. */
export const LOCAL_LAMBDA_CONCURRENCY = 3
const PROBE_LIMITS = { integrationTimeoutMs: 1_500, idleTimeoutMs: 800 }
const PROBE_KEY = 'conformance-probe-key-0123456789'

export async function startLocalTarget(): Promise<ConformanceTarget> {
  const cloud = await startLocalCloud({
    agent: { offline: { firstTokenMs: 50, tokensPerSecond: 200 } },
    lambdaConcurrency: LOCAL_LAMBDA_CONCURRENCY,
    agentCoreBehaviour: DEFAULT_BEHAVIOUR,
    // The stack's usage plan (aws/lib/config.ts), so the burst contract meets the same throttle.
    usagePlan: { rateLimit: DEFAULT_CONFIG.throttleRateLimit, burstLimit: DEFAULT_CONFIG.throttleBurstLimit },
  })
  const stops: Array<() => Promise<unknown>> = [() => cloud.stop()]
  try {
    const fetchApi = apiFetcher({
      credentials: { accessKeyId: cloud.workerVars.UPSTREAM_AWS_ACCESS_KEY_ID, secretAccessKey: cloud.workerVars.UPSTREAM_AWS_SECRET_ACCESS_KEY },
      region: LOCAL_REGION,
    })
    const stageUrl = cloud.invokeUrl.replace(/invoke$/, '')
    const probe = await startProbe(stops)
    const client = new BedrockAgentCoreClient({ region: LOCAL_REGION, endpoint: cloud.agentCoreEndpoint, credentials: LOCAL_PROXY_CREDENTIAL, maxAttempts: 1 })
    stops.unshift(async () => client.destroy())
    return {
      kind: 'local',
      label: 'the local cloud on 127.0.0.1',
      stageUrl,
      api: (req) => fetchApi(stageUrl + req.path.slice(1), init(req, cloud.apiKey), req.signing),
      agentCore: { client, runtimeArn: cloud.agentRuntimeArn, qualifier: 'DEFAULT' },
      secrets: [cloud.apiKey, cloud.workerVars.UPSTREAM_AWS_SECRET_ACCESS_KEY],
      observer: {
        mark() {
          const from = cloud.functionEvents.length
          return () => cloud.functionEvents.slice(from).map(({ function: fn, event }) => ({ function: fn, event }))
        },
        setAgentCoreBehaviour: (b) => void Object.assign(cloud.agentCore.behaviour, b),
        agentTurn: (sessionId) => cloud.agent.sessions.peek(sessionId)?.turn,
      },
      probe,
      async stop() {
        for (const s of stops) await s().catch(() => {})
      },
    }
  } catch (err) {
    for (const s of stops) await s().catch(() => {})
    throw err
  }
}

async function startProbe(stops: Array<() => Promise<unknown>>): Promise<Probe> {
  const pool = await startLambdaPool({
    codeDir: fileURLToPath(new URL('../local/api-gateway/test-function', import.meta.url)),
    handler: 'index.handler',
    maxConcurrency: 6,
    warm: 2,
    onLog: () => {},
  })
  stops.push(() => pool.stop())
  const common = {
    routes: [{ method: 'POST', path: '/invoke', apiKeyRequired: true }],
    apiKeys: { [PROBE_KEY]: 'probe-key' },
    invoke: (event: unknown, o: { signal: AbortSignal; traceId: string }) => pool.invoke(event, o),
  }
  const gateways = {
    default: await startApiGateway(common),
    'short-integration-timeout': await startApiGateway({ ...common, limits: { integrationTimeoutMs: PROBE_LIMITS.integrationTimeoutMs } }),
    'short-idle-timeout': await startApiGateway({ ...common, limits: { idleTimeoutMs: PROBE_LIMITS.idleTimeoutMs } }),
  }
  for (const g of Object.values(gateways)) stops.push(() => g.stop())
  return {
    limits: PROBE_LIMITS,
    post: (body, gateway = 'default') =>
      fetch(gateways[gateway].url + '/invoke', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': PROBE_KEY }, body: JSON.stringify(body) }),
  }
}
