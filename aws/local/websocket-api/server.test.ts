import { ApiGatewayManagementApiClient, DeleteConnectionCommand, GetConnectionCommand, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi'
import { AwsClient } from 'aws4fetch'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { LocalPrincipal } from '../sigv4/policy'
import type { WebSocketEvent } from './event'
import { startWebSocketApi, type RouteInvoke, type WebSocketApi } from './server'

const CLIENT: LocalPrincipal = {
  accessKeyId: 'AKIAWSCLIENT00000001',
  secretAccessKey: 'ws-client-secret',
  principalArn: 'arn:aws:iam::123456789012:user/edge-agent-chat-worker',
  allow: [],
}
const MANAGER: LocalPrincipal = {
  accessKeyId: 'AKIAWSMANAGER0000001',
  secretAccessKey: 'ws-manager-secret',
  principalArn: 'arn:aws:sts::123456789012:assumed-role/ws-fn/ws-fn',
  allow: [],
}

let api: WebSocketApi | undefined
afterEach(async () => {
  await api?.stop()
  api = undefined
})

/** Starts the emulator with the stack's policies: the client may $connect, the manager may manage connections. */
async function start(invoke: RouteInvoke, limits = {}) {
  const events: WebSocketEvent[] = []
  const started = await startWebSocketApi({
    routes: ['$connect', '$disconnect', 'invoke', 'cancel'],
    invoke: (e) => (events.push(e), invoke(e)),
    principals: [
      { ...CLIENT, allow: [{ action: 'execute-api:Invoke', resource: 'arn:aws:execute-api:us-east-1:123456789012:l0ca1ws000/v1/$connect' }] },
      { ...MANAGER, allow: [{ action: 'execute-api:ManageConnections', resource: 'arn:aws:execute-api:us-east-1:123456789012:l0ca1ws000/v1/*/@connections/*' }] },
    ],
    limits,
  })
  api = started
  const management = new ApiGatewayManagementApiClient({
    endpoint: started.managementEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: MANAGER.accessKeyId, secretAccessKey: MANAGER.secretAccessKey },
    maxAttempts: 1,
  })
  return { api: started, events, management }
}

/** Opens a client connection with a SigV4-signed upgrade (aws4fetch, as the Worker signs it). */
async function connect(url: string, credential: { accessKeyId: string; secretAccessKey: string } = CLIENT): Promise<{ ws: WebSocket; messages: string[]; closed: Promise<number> }> {
  const signed = await new AwsClient({ ...credential, service: 'execute-api', region: 'us-east-1', retries: 0 }).sign(url.replace(/^ws/, 'http'), { method: 'GET' })
  const ws = new WebSocket(url, { headers: Object.fromEntries(signed.headers) })
  const messages: string[] = []
  ws.on('message', (d) => messages.push(d.toString()))
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
    ws.once('error', reject)
  })
  return { ws, messages, closed }
}

describe('WebSocket API emulator', () => {
  it('authorizes the signed upgrade, runs $connect with the WebSocket event shape, and routes by body.action', async () => {
    const { api, events } = await start(async () => ({ statusCode: 200 }))
    const { ws } = await connect(api.url)
    ws.send(JSON.stringify({ action: 'invoke', prompt: 'hi' }))
    await expect.poll(() => events.length).toBe(2)
    const [connectEvent, message] = events
    expect(connectEvent!.requestContext).toMatchObject({ routeKey: '$connect', eventType: 'CONNECT', stage: 'v1', apiId: 'l0ca1ws000', domainName: `127.0.0.1:${api.port}` })
    expect(connectEvent!.requestContext.connectionId).toMatch(/^[A-Za-z0-9]{12}=$/)
    expect(message!.requestContext).toMatchObject({ routeKey: 'invoke', eventType: 'MESSAGE', connectionId: connectEvent!.requestContext.connectionId })
    expect(JSON.parse(message!.body!)).toEqual({ action: 'invoke', prompt: 'hi' })
    ws.close()
    await expect.poll(() => events.at(-1)?.requestContext.eventType).toBe('DISCONNECT')
  })

  it('refuses an unsigned upgrade, a wrong secret and a caller without execute-api:Invoke on $connect with 403, and runs no function', async () => {
    const { api, events } = await start(async () => ({ statusCode: 200 }))
    await expect(new Promise((resolve, reject) => {
      const ws = new WebSocket(api.url)
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode))
      ws.once('open', () => reject(new Error('opened')))
    })).resolves.toBe(403)
    await expect(connect(api.url, { accessKeyId: CLIENT.accessKeyId, secretAccessKey: 'wrong' })).rejects.toThrow('upgrade refused: 403')
    // The manager's key is known but its policy has no execute-api:Invoke.
    await expect(connect(api.url, MANAGER)).rejects.toThrow('upgrade refused: 403')
    expect(events).toHaveLength(0)
  })

  it('a $connect function answering 401 refuses the connection', async () => {
    const { api } = await start(async (e) => ({ statusCode: e.requestContext.routeKey === '$connect' ? 401 : 200 }))
    await expect(connect(api.url)).rejects.toThrow('upgrade refused: 401')
  })

  it('@connections, driven by @aws-sdk/client-apigatewaymanagementapi: POST reaches the client (UTF-8 intact), GET describes, DELETE closes, then GoneException', async () => {
    const { api, events, management } = await start(async () => ({ statusCode: 200 }))
    const { messages, closed } = await connect(api.url)
    const id = events[0]!.requestContext.connectionId
    await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: new TextEncoder().encode('event: text\ndata: {"text":"日本語 🎉"}\n\n') }))
    await expect.poll(() => messages).toEqual(['event: text\ndata: {"text":"日本語 🎉"}\n\n'])
    expect(api.posts).toBe(1)
    const described = await management.send(new GetConnectionCommand({ ConnectionId: id }))
    expect(described.Identity?.SourceIp).toBe('127.0.0.1')
    expect(described.ConnectedAt).toBeInstanceOf(Date)
    await management.send(new DeleteConnectionCommand({ ConnectionId: id }))
    await closed
    await expect(management.send(new PostToConnectionCommand({ ConnectionId: id, Data: new Uint8Array([1]) }))).rejects.toBeInstanceOf(GoneException)
  })

  it('@connections refuses a caller without execute-api:ManageConnections', async () => {
    const { api, events } = await start(async () => ({ statusCode: 200 }))
    await connect(api.url)
    const client = new ApiGatewayManagementApiClient({ endpoint: api.managementEndpoint, region: 'us-east-1', credentials: CLIENT, maxAttempts: 1 })
    await expect(client.send(new PostToConnectionCommand({ ConnectionId: events[0]!.requestContext.connectionId, Data: new Uint8Array([1]) }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    })
  })

  it('a message with no matching route, and a failing integration, get API Gateway’s notice', async () => {
    const { api } = await start(async (e) => {
      if (e.requestContext.routeKey === 'cancel') throw new Error('boom')
      return { statusCode: 200 }
    })
    const { ws, messages } = await connect(api.url)
    ws.send(JSON.stringify({ action: 'nope' }))
    await expect.poll(() => messages.length).toBe(1)
    expect(JSON.parse(messages[0]!)).toMatchObject({ message: 'Forbidden' })
    ws.send(JSON.stringify({ action: 'cancel' }))
    await expect.poll(() => messages.length).toBe(2)
    expect(JSON.parse(messages[1]!)).toMatchObject({ message: 'Internal server error', connectionId: expect.any(String) })
  })

  it('past the integration timeout the client is told, and the function runs on: its later posts still arrive', async () => {
    let management!: ApiGatewayManagementApiClient
    const { api, management: m } = await start(async (e) => {
      if (e.requestContext.routeKey !== 'invoke') return { statusCode: 200 }
      await new Promise((r) => setTimeout(r, 300))
      await management.send(new PostToConnectionCommand({ ConnectionId: e.requestContext.connectionId, Data: new TextEncoder().encode('late but delivered') }))
      return { statusCode: 200 }
    }, { integrationTimeoutMs: 100 })
    management = m
    const { ws, messages } = await connect(api.url)
    ws.send(JSON.stringify({ action: 'invoke' }))
    await expect.poll(() => messages.length).toBe(2)
    expect(JSON.parse(messages[0]!)).toMatchObject({ message: 'Endpoint request timed out' })
    expect(messages[1]).toBe('late but delivered')
  })

  it('a message over the payload limit closes the connection with 1009; an idle connection is closed (1001) and its $disconnect runs', async () => {
    const { api, events } = await start(async () => ({ statusCode: 200 }), { maxMessageBytes: 1024, idleTimeoutMs: 300 })
    const big = await connect(api.url)
    big.ws.send('x'.repeat(2048))
    expect(await big.closed).toBe(1009)
    const idle = await connect(api.url)
    expect(await idle.closed).toBe(1001)
    await expect.poll(() => events.filter((e) => e.requestContext.eventType === 'DISCONNECT').length).toBe(2)
  })
})
