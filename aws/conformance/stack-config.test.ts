/**
 * The outputs → config mapping over a DescribeStacks response in the wire format the CloudFormation
 * API answers (awsQuery XML, as in the API reference's DescribeStacks example), served on 127.0.0.1
 * so the real @aws-sdk/client-cloudformation client parses it.
 */
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readStackConfig, stackConfigFrom, StackConfigError } from './stack-config'

const RECORDED = readFileSync(new URL('./fixtures/describe-stacks.xml', import.meta.url), 'utf8')
const RESOURCES = readFileSync(new URL('./fixtures/describe-stack-resources.xml', import.meta.url), 'utf8')
let server: Server
let endpoint: string
const seen: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c)).on('end', () => {
      seen.push(body)
      if (body.includes('StackName=Missing')) {
        res.writeHead(400, { 'content-type': 'text/xml' }).end(
          '<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id Missing does not exist</Message></Error><RequestId>x</RequestId></ErrorResponse>',
        )
        return
      }
      res.writeHead(200, { 'content-type': 'text/xml' }).end(body.includes('Action=DescribeStackResources') ? RESOURCES : RECORDED)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((r) => server?.close(r)))

const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example-secret' })

describe('readStackConfig', () => {
  it('maps the recorded DescribeStacks outputs to the run’s config', async () => {
    const config = await readStackConfig({ stackName: 'EdgeAgentChat', region: 'eu-west-1', credentials, endpoint })
    expect(config).toEqual({
      stackName: 'EdgeAgentChat',
      region: 'eu-west-1',
      accountId: '111122223333',
      stageUrl: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/v1/',
      apiKeyId: 'k9j8h7g6f5',
      agentRuntimeArn: 'arn:aws:bedrock-agentcore:eu-west-1:111122223333:runtime/edge_agent_chat-Ab12Cd34Ef',
      workerUserName: 'EdgeAgentChat-WorkerUser1A2B3C4D-ABCDEFGHIJKL',
      invokeLogGroup: 'EdgeAgentChat-ProxyLogs1A2B3C4D-AbCdEf123456',
    })
    expect(seen.some((b) => b.includes('Action=DescribeStacks&'))).toBe(true)
    expect(seen.at(-1)).toContain('Action=DescribeStackResources')
  })

  it('says which stack could not be read and why', async () => {
    await expect(readStackConfig({ stackName: 'Missing', region: 'eu-west-1', credentials, endpoint })).rejects.toThrow(
      /Could not read stack Missing in eu-west-1: ValidationError: Stack with id Missing does not exist/,
    )
  })
})

describe('stackConfigFrom', () => {
  const base = {
    StackName: 'S',
    StackId: 'arn:aws:cloudformation:us-east-1:111122223333:stack/S/x',
    StackStatus: 'CREATE_COMPLETE' as const,
    CreationTime: new Date(),
    Outputs: [
      { OutputKey: 'InvokeUrl', OutputValue: 'https://abc.execute-api.us-east-1.amazonaws.com/v1/' },
      { OutputKey: 'ApiKeyId', OutputValue: 'id' },
      { OutputKey: 'AgentRuntimeArn', OutputValue: 'arn' },
    ],
  }
  it('refuses a stack without the rest path, or one that is not deployed', () => {
    expect(() => stackConfigFrom({ ...base, Outputs: base.Outputs.slice(1) })).toThrow(new StackConfigError('Stack S has no InvokeUrl output (the rest path: deploy with it among the paths).'))
    expect(() => stackConfigFrom({ ...base, StackStatus: 'ROLLBACK_COMPLETE' })).toThrow(/is ROLLBACK_COMPLETE/)
    expect(stackConfigFrom(base).region).toBe('us-east-1')
  })
})
