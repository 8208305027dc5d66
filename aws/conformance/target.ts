/**
 * What the contracts run against: the local cloud (./local-target.ts) or a deployed stack
 * (./aws-target.ts). Both expose the same requests; the local one also lets the contracts look
 * inside (what the Lambda received, the AgentCore emulator's switches, a probe function).
 */
import type { BedrockAgentCoreClient } from '@aws-sdk/client-bedrock-agentcore'
import type { AgentCoreBehaviour } from '../local/agentcore/behaviour'
import type { Signing } from './signing'
import type { StackConfig } from './stack-config'

export interface ApiRequest {
  path: '/invoke' | '/cancel' | `/${string}`
  body: string
  /** Default 'signed'. */
  signing?: Signing
  /** Default 'valid'. */
  apiKey?: 'valid' | 'missing' | 'wrong'
  contentType?: string
}

/** A function behind its own API Gateway (the local target's test function, ../local/api-gateway/test-function). */
export interface Probe {
  /** POST with the mode the test function should act out; `gateway` picks limits shortened for the contract. */
  post(body: object, gateway?: 'default' | 'short-integration-timeout' | 'short-idle-timeout'): Promise<Response>
  limits: { integrationTimeoutMs: number; idleTimeoutMs: number }
}

export interface Observer {
  /** The events API Gateway gave the functions since `mark()`. */
  mark(): () => Array<{ function: 'invoke' | 'cancel'; event: unknown }>
  /** The AgentCore emulator's switches, set for the next requests. */
  setAgentCoreBehaviour(b: Partial<AgentCoreBehaviour>): void
  /** The agent's current turn on a session (live: its fields change as the turn runs and ends). */
  agentTurn(sessionId: string): { readonly running: boolean; readonly cancelled: boolean; readonly finished: Promise<void> } | undefined
}

export interface ConformanceTarget {
  kind: 'local' | 'aws'
  /** For reports and fixture sources. */
  label: string
  stageUrl: string
  api(req: ApiRequest): Promise<Response>
  agentCore: { client: BedrockAgentCoreClient; runtimeArn: string; qualifier: string }
  /** Values that must never be written into a fixture (../conformance/redact.ts). */
  secrets: string[]
  /**
   * A deployed stack's invoke function, counted from its log group (./function-logs.ts): the
   * invocations that started between the two times, once the log has settled.
   */
  countInvocations?: (fromMs: number, toMs: number) => Promise<{ requestIds: string[]; reported: number; settled: boolean }>
  /** Only the local target can look inside, and has a probe function. */
  observer?: Observer
  probe?: Probe
  stop(): Promise<void>
}

/** What run.ts hands the test process (CONFORMANCE_TARGET, JSON). */
export type TargetSpec = { kind: 'local'; recordDir?: string } | { kind: 'aws'; stack: StackConfig; apiKey: string; recordDir?: string }

export const TARGET_ENV = 'CONFORMANCE_TARGET'

export function targetSpecFromEnv(env: Record<string, string | undefined> = process.env): TargetSpec {
  const raw = env[TARGET_ENV]
  return raw ? (JSON.parse(raw) as TargetSpec) : { kind: 'local' }
}

export async function startTarget(spec: TargetSpec): Promise<ConformanceTarget> {
  if (spec.kind === 'local') return (await import('./local-target')).startLocalTarget()
  return (await import('./aws-target')).awsTarget(spec.stack, spec.apiKey)
}
