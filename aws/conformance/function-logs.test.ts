/**
 * Counting a function's invocations from its log group: a FilterLogEvents answer in the wire format
 * CloudWatch Logs uses (awsJson1.1), served on 127.0.0.1 so the real
 * @aws-sdk/client-cloudwatch-logs client parses it, paged as the service pages.
 */
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readInvocations, settledInvocations } from './function-logs'

const ID1 = '0b7c6a4e-1c1d-4e8f-9a2b-3c4d5e6f7a8b'
const ID2 = '9f8e7d6c-5b4a-4321-8fed-cba987654321'
const stream = '2026/12/01/[$LATEST]0123456789abcdef0123456789abcdef'
const PAGES = [
  {
    events: [
      { logStreamName: stream, timestamp: 1764590400100, message: `START RequestId: ${ID1} Version: $LATEST\n`, ingestionTime: 1764590401000, eventId: '1' },
      { logStreamName: stream, timestamp: 1764590403100, message: `REPORT RequestId: ${ID1}\tDuration: 2987.12 ms\tBilled Duration: 2988 ms\tMemory Size: 512 MB\tMax Memory Used: 98 MB\t\n`, ingestionTime: 1764590404000, eventId: '2' },
    ],
    searchedLogStreams: [],
    nextToken: 'page-2',
  },
  { events: [{ logStreamName: stream, timestamp: 1764590400200, message: `START RequestId: ${ID2} Version: $LATEST\n`, ingestionTime: 1764590401000, eventId: '3' }], searchedLogStreams: [] },
]
let server: Server
let client: CloudWatchLogsClient
const bodies: Array<Record<string, unknown>> = []

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c)).on('end', () => {
      const input = JSON.parse(body) as { nextToken?: string }
      bodies.push({ ...input, target: req.headers['x-amz-target'] })
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(PAGES[input.nextToken === 'page-2' ? 1 : 0]))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  client = new CloudWatchLogsClient({
    region: 'eu-west-1',
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  })
})
afterAll(async () => {
  client?.destroy()
  await new Promise((r) => server?.close(r))
})

describe('readInvocations', () => {
  it('counts START lines across pages and which of them reported', async () => {
    const seen = await readInvocations(client, '/aws/lambda/EdgeAgentChat-ProxyFunction', 1764590400000, 1764590410000)
    expect(seen).toEqual({ requestIds: [ID1, ID2], reported: 1 })
    expect(bodies[0]).toMatchObject({ target: 'Logs_20140328.FilterLogEvents', logGroupName: '/aws/lambda/EdgeAgentChat-ProxyFunction', startTime: 1764590400000, endTime: 1764590410000, filterPattern: '?START ?REPORT' })
    expect(bodies[1]).toMatchObject({ nextToken: 'page-2' })
  })
})

describe('settledInvocations', () => {
  it('waits until every invocation reported and the count held, or gives up at the timeout', async () => {
    let now = 0
    const answers = [{ requestIds: [], reported: 0 }, { requestIds: [ID1], reported: 0 }, { requestIds: [ID1], reported: 1 }]
    let i = 0
    const read = async () => answers[Math.min(i++, answers.length - 1)]
    const out = await settledInvocations(read, { settleMs: 5_000, now: () => now, sleep: async (ms) => void (now += ms) })
    expect(out).toEqual({ requestIds: [ID1], reported: 1, settled: true })
    now = 0
    const never = await settledInvocations(async () => ({ requestIds: [], reported: 0 }), { timeoutMs: 10_000, now: () => now, sleep: async (ms) => void (now += ms) })
    expect(never.settled).toBe(false)
  })
})
