import {
  BedrockAgentCoreClient,
  InvokeAgentRuntimeCommand,
  StopRuntimeSessionCommand,
  type InvokeAgentRuntimeCommandOutput,
} from '@aws-sdk/client-bedrock-agentcore'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAgentCore, type AgentCore } from './server'

const ARN = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/local_agent-AbCdEf1234'
const SESSION = 's'.repeat(40)

/**
 * A stand-in for the agent at the system's edge: it speaks the container contract (POST
 * /invocations, session header, `data:` frames) and records what it received and when its client left.
 */
interface Seen {
  session?: string
  user?: string
  requestId?: string
  accept?: string
  body: string
  closedEarly: boolean
}
let agent: Server
let seen: Seen[] = []
let emu: AgentCore
let client: BedrockAgentCoreClient

beforeAll(async () => {
  agent = createServer(async (req: IncomingMessage, res) => {
    let body = ''
    for await (const c of req) body += c
    const s: Seen = {
      session: req.headers['x-amzn-bedrock-agentcore-runtime-session-id'] as string,
      user: req.headers['x-amzn-bedrock-agentcore-runtime-user-id'] as string | undefined,
      requestId: req.headers['x-amzn-bedrock-agentcore-runtime-request-id'] as string,
      accept: req.headers.accept,
      body,
      closedEarly: false,
    }
    seen.push(s)
    const prompt = (JSON.parse(body) as { prompt: string }).prompt
    if (prompt === 'fail') {
      res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"boom"}')
      return
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream' })
    res.on('close', () => {
      if (!res.writableFinished) s.closedEarly = true
    })
    const n = prompt === 'long' ? 1000 : 3
    for (let i = 0; i < n && !res.destroyed; i++) {
      res.write(`event: text\ndata: ${JSON.stringify({ text: `t${i} ` })}\n\n`)
      await new Promise((r) => setTimeout(r, 20))
    }
    if (!res.destroyed) res.end(`event: done\ndata: ${JSON.stringify({ stopReason: 'end_turn' })}\n\n`)
  })
  await new Promise<void>((r) => agent.listen(0, '127.0.0.1', r))
  const agentUrl = `http://127.0.0.1:${(agent.address() as AddressInfo).port}`
  emu = await startAgentCore({ runtimes: { [ARN]: { url: agentUrl } } })
  client = new BedrockAgentCoreClient({
    region: 'us-east-1',
    endpoint: emu.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  })
})

afterAll(async () => {
  client?.destroy()
  await emu?.stop()
  agent?.closeAllConnections()
  await new Promise((r) => agent?.close(r))
})

function invoke(prompt: string, over: Partial<ConstructorParameters<typeof InvokeAgentRuntimeCommand>[0]> = {}) {
  return client.send(
    new InvokeAgentRuntimeCommand({
      agentRuntimeArn: ARN,
      qualifier: 'DEFAULT',
      runtimeSessionId: SESSION,
      contentType: 'application/json',
      accept: 'text/event-stream',
      payload: new TextEncoder().encode(JSON.stringify({ prompt })),
      ...over,
    }),
  )
}

async function* chunks(out: InvokeAgentRuntimeCommandOutput): AsyncGenerator<string> {
  for await (const c of out.response as AsyncIterable<Uint8Array>) yield Buffer.from(c).toString('utf8')
}

describe('AgentCore emulator with the AWS SDK client', () => {
  it('passes runtimeUserId to the agent in its header and records it; refuses one over 128 characters', async () => {
    seen = []
    const out = await invoke('hi', { runtimeUserId: 'anon_user-1' })
    for await (const _ of chunks(out));
    expect(seen[0].user).toBe('anon_user-1')
    expect(emu.events.findLast((e) => e.type === 'invoke')).toMatchObject({ type: 'invoke', sessionId: SESSION, userId: 'anon_user-1' })
    await expect(invoke('hi', { runtimeUserId: 'u'.repeat(129) })).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } })
    expect(seen).toHaveLength(1)
  })


  it('forwards InvokeAgentRuntime to /invocations with the session and streams the answer back', async () => {
    seen = []
    const out = await invoke('hi')
    expect(out.statusCode).toBe(200)
    expect(out.contentType).toBe('text/event-stream')
    expect(out.runtimeSessionId).toBe(SESSION)
    let text = ''
    for await (const c of chunks(out)) text += c
    expect(text).toBe(
      'event: text\ndata: {"text":"t0 "}\n\nevent: text\ndata: {"text":"t1 "}\n\nevent: text\ndata: {"text":"t2 "}\n\nevent: done\ndata: {"stopReason":"end_turn"}\n\n',
    )
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({ session: SESSION, accept: 'text/event-stream', body: '{"prompt":"hi"}' })
    expect(seen[0].requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('delivers the first frame before the agent has finished', async () => {
    const out = await invoke('long')
    const it = chunks(out)[Symbol.asyncIterator]()
    const first = await it.next()
    expect(first.value).toContain('"t0 "')
    await it.return?.(undefined)
  })

  it('rejects session ids outside 33–256 characters with ValidationException', async () => {
    await expect(invoke('hi', { runtimeSessionId: 'x'.repeat(32) })).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } })
    await expect(invoke('hi', { runtimeSessionId: 'x'.repeat(257) })).rejects.toMatchObject({ name: 'ValidationException' })
  })

  it('answers ResourceNotFoundException for an unknown runtime or qualifier', async () => {
    const other = 'arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/other_agent-AbCdEf1234'
    await expect(invoke('hi', { agentRuntimeArn: other })).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } })
    await expect(invoke('hi', { qualifier: 'PROD' })).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
  })

  it('maps an agent error status to RuntimeClientError (424)', async () => {
    await expect(invoke('fail')).rejects.toMatchObject({ name: 'RuntimeClientError', $metadata: { httpStatusCode: 424 } })
  })

  it('requires a SigV4 Authorization header for this region and service', async () => {
    const path = `/runtimes/${encodeURIComponent(ARN)}/invocations?qualifier=DEFAULT`
    const post = (headers: Record<string, string>) =>
      fetch(emu.endpoint + path, { method: 'POST', headers: { 'x-amzn-bedrock-agentcore-runtime-session-id': SESSION, ...headers }, body: '{"prompt":"hi"}' })
    const none = await post({})
    expect(none.status).toBe(403)
    expect(none.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException')
    expect(await none.json()).toEqual({ message: 'Missing Authentication Token' })
    const garbage = await post({ authorization: 'Bearer abc' })
    expect([garbage.status, garbage.headers.get('x-amzn-errortype')]).toEqual([403, 'IncompleteSignatureException'])
    const sig = 'a'.repeat(64)
    const wrongService = await post({
      authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`,
      'x-amz-date': '20260101T000000Z',
    })
    expect([wrongService.status, wrongService.headers.get('x-amzn-errortype')]).toEqual([403, 'InvalidSignatureException'])
    const eu = new BedrockAgentCoreClient({ region: 'eu-west-1', endpoint: emu.endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 })
    await expect(
      eu.send(new InvokeAgentRuntimeCommand({ agentRuntimeArn: ARN, runtimeSessionId: SESSION, payload: new TextEncoder().encode('{}') })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } })
    eu.destroy()
  })

  it('closes the agent request when the caller goes away', async () => {
    seen = []
    const out = await invoke('long')
    const it = chunks(out)[Symbol.asyncIterator]()
    await it.next()
    // Destroying the SDK's response stream closes the connection, as a Lambda that stops reading would.
    ;(out.response as unknown as { destroy(): void }).destroy()
    await expect.poll(() => seen[0]?.closedEarly).toBe(true)
    await expect.poll(() => emu.events.some((e) => e.type === 'invoke-end' && e.how === 'caller-disconnected')).toBe(true)
  })

  it('StopRuntimeSession ends the session: the agent request closes and the caller stream is cut', async () => {
    seen = []
    const session = 'stop-me-' + 'x'.repeat(30)
    const out = await invoke('long', { runtimeSessionId: session })
    const it = chunks(out)[Symbol.asyncIterator]()
    await it.next()
    const stopped = await client.send(new StopRuntimeSessionCommand({ agentRuntimeArn: ARN, qualifier: 'DEFAULT', runtimeSessionId: session }))
    expect(stopped.statusCode).toBe(200)
    expect(stopped.runtimeSessionId).toBe(session)
    await expect((async () => { for (;;) { const r = await it.next(); if (r.done) return 'ended' } })()).rejects.toThrow()
    await expect.poll(() => seen[0]?.closedEarly).toBe(true)
    expect(emu.events).toContainEqual({ type: 'stop-session', sessionId: session, inFlight: 1, forgotten: false })
    // The session is gone now.
    await expect(client.send(new StopRuntimeSessionCommand({ agentRuntimeArn: ARN, runtimeSessionId: session }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    })
  })
})
