/**
 * The AgentCore emulator with principals: the AWS SDK's signatures verified for real (../sigv4) and
 * the caller's policy applied, as the local cloud runs it for the Lambda.
 */
import { BedrockAgentCoreClient, InvokeAgentRuntimeCommand, StopRuntimeSessionCommand } from '@aws-sdk/client-bedrock-agentcore'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LocalPrincipal } from '../sigv4/policy'
import { startAgentCore, type AgentCore } from './server'

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/local_agent-AbCdEf1234'
const SESSION = 's'.repeat(40)
const PROXY: LocalPrincipal = {
  accessKeyId: 'ASIALOCALPROXY000001',
  secretAccessKey: 'proxy-secret-for-this-test',
  sessionToken: 'proxy-session-token',
  principalArn: 'arn:aws:sts::123456789012:assumed-role/proxy/fn',
  // May invoke, not stop: to see IAM's refusal of the other operation.
  allow: [{ action: 'bedrock-agentcore:InvokeAgentRuntime', resource: ARN }],
}
let agent: Server
let emu: AgentCore
let invocations = 0

beforeAll(async () => {
  // The agent's container contract at its smallest: one event, then done.
  agent = createServer((req, res) => {
    invocations++
    req.resume()
    res.writeHead(200, { 'content-type': 'text/event-stream' }).end('event: done\ndata: {"stopReason":"end_turn"}\n\n')
  })
  await new Promise<void>((r) => agent.listen(0, '127.0.0.1', r))
  emu = await startAgentCore({ runtimes: { [ARN]: { url: `http://127.0.0.1:${(agent.address() as AddressInfo).port}` } }, principals: [PROXY] })
})

afterAll(async () => {
  await emu?.stop()
  await new Promise((r) => agent?.close(r))
})

function client(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) {
  return new BedrockAgentCoreClient({ region: 'us-east-1', endpoint: emu.endpoint, credentials, maxAttempts: 1 })
}
const invoke = (c: BedrockAgentCoreClient) =>
  c.send(new InvokeAgentRuntimeCommand({ agentRuntimeArn: ARN, runtimeSessionId: SESSION, payload: new TextEncoder().encode('{"prompt":"hi"}') }))

describe('AgentCore emulator with principals', () => {
  it('serves a request the SDK signed with the principal’s temporary credentials', async () => {
    const c = client(PROXY)
    const out = await invoke(c)
    expect(await out.response!.transformToString()).toContain('event: done')
    c.destroy()
  })

  it('refuses a wrong secret or a missing session token before the agent is called', async () => {
    const before = invocations
    const wrongSecret = client({ ...PROXY, secretAccessKey: 'not-the-secret' })
    await expect(invoke(wrongSecret)).rejects.toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } })
    const noToken = client({ accessKeyId: PROXY.accessKeyId, secretAccessKey: PROXY.secretAccessKey })
    await expect(invoke(noToken)).rejects.toMatchObject({ name: 'AccessDeniedException', message: 'The security token included in the request is invalid.' })
    wrongSecret.destroy()
    noToken.destroy()
    expect(invocations).toBe(before)
  })

  it('refuses an operation the principal’s policy does not allow', async () => {
    const c = client(PROXY)
    await expect(
      c.send(new StopRuntimeSessionCommand({ agentRuntimeArn: ARN, runtimeSessionId: SESSION, qualifier: 'DEFAULT' })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException', message: expect.stringMatching(/is not authorized to perform: bedrock-agentcore:StopRuntimeSession on resource: arn:aws:bedrock-agentcore:/) })
    c.destroy()
  })

  it('an invocation on behalf of a user (runtimeUserId) needs InvokeAgentRuntimeForUser as well', async () => {
    const before = invocations
    const c = client(PROXY)
    const onBehalf = new InvokeAgentRuntimeCommand({ agentRuntimeArn: ARN, runtimeSessionId: SESSION, runtimeUserId: 'user-1', payload: new TextEncoder().encode('{"prompt":"hi"}') })
    await expect(c.send(onBehalf)).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringMatching(/is not authorized to perform: bedrock-agentcore:InvokeAgentRuntimeForUser on resource: arn:aws:bedrock-agentcore:/),
    })
    expect(invocations).toBe(before)
    c.destroy()
  })
})
