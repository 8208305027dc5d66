/** The bundled proxy in a local Lambda pool against a scripted AgentCore (test support). */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startLambdaPool, type LambdaPool, type LambdaPoolOptions } from '../../local/lambda-runtime'
import { buildLambda } from '../build'
import { startScriptedAgentCore, type ScriptedAgentCore } from './scripted-agentcore'

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
    handler: 'index.handler',
    onLog: (line) => logs.push(line),
    ...options,
    env: {
      AGENT_RUNTIME_ARN: 'arn:aws:bedrock-agentcore:us-east-1:000000000000:runtime/test_agent-AbCdEf1234',
      AGENTCORE_ENDPOINT: agent.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      // The SDK's warning about this machine's Node 20 (Lambda runs 22) says nothing about the proxy.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
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
