/** The bundled proxy in a local Lambda pool against a scripted AgentCore (test support). */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLambdaPool, type LambdaPool, type LambdaPoolOptions } from '../../local/lambda-runtime'
import { localProxyEnv } from '../../local/proxy-env'
import { buildLambda } from '../build'
import { LAMBDA_HANDLER } from '../bundle-options'
import { startScriptedAgentCore, type ScriptedAgentCore } from './scripted-agentcore'

export const TEST_AGENT_RUNTIME_ARN = 'arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/test_agent-AbCdEf1234'

export interface RunningProxy {
  agent: ScriptedAgentCore
  pool: LambdaPool
  logs: string[]
  stop(): Promise<void>
}

export async function startProxy(options: Partial<LambdaPoolOptions> = {}, env: Record<string, string> = {}): Promise<RunningProxy> {
  const codeDir = mkdtempSync(join(tmpdir(), 'lambda-proxy-'))
  await buildLambda(codeDir)
  const agent = await startScriptedAgentCore()
  const logs: string[] = []
  const pool = await startLambdaPool({
    codeDir,
    handler: LAMBDA_HANDLER,
    onLog: (line) => logs.push(line),
    ...options,
    env: { ...localProxyEnv(agent.endpoint, TEST_AGENT_RUNTIME_ARN), ...env },
  })
  return {
    agent,
    pool,
    logs,
    async stop() {
      await pool.stop()
      await agent.close()
      rmSync(codeDir, { recursive: true, force: true })
    },
  }
}
