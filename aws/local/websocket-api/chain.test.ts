/**
 * The websocket path's AWS side, every hop real: the WebSocket API emulator → the WebSocket function
 * (aws/lambda/websocket, bundled, under aws-lambda-ric) → AgentCore emulator → the agent on the
 * offline model; the function posts to the connection through the emulator's @connections API with
 * @aws-sdk/client-apigatewaymanagementapi. The client here plays the Worker (a signed upgrade, aws4fetch).
 */
import { AwsClient } from 'aws4fetch'
import { createParser } from 'eventsource-parser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { LOCAL_REGION, startLocalCloud, type LocalCloud } from '../cloud'

let cloud: LocalCloud

beforeAll(async () => {
  cloud = await startLocalCloud({ lambdaWarm: 0, agent: { offline: { firstTokenMs: 50, tokensPerSecond: 400 } } })
})
afterAll(() => cloud?.stop())

const session = (name: string) => `ws-chain-${name}-`.padEnd(40, 'x')

interface Client {
  ws: WebSocket
  /** SSE bytes posted to the connection, in order. */
  sse(): string
  /** Messages that are not SSE (cancel replies, API Gateway notices). */
  json: unknown[]
  messages: number
  closed: Promise<number>
}

async function connect(): Promise<Client> {
  const signed = await new AwsClient({ ...cloud.workerKeys, service: 'execute-api', region: LOCAL_REGION, retries: 0 }).sign(cloud.webSocketApi.url.replace(/^ws/, 'http'), { method: 'GET' })
  const ws = new WebSocket(cloud.webSocketApi.url, { headers: Object.fromEntries(signed.headers) })
  let sse = ''
  const client: Client = { ws, sse: () => sse, json: [], messages: 0, closed: new Promise((r) => ws.on('close', r)) }
  ws.on('message', (data) => {
    const text = data.toString()
    client.messages++
    if (text.startsWith('{')) client.json.push(JSON.parse(text))
    else sse += text
  })
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)))
  return client
}

function eventsOf(sse: string): Array<{ type: string; data: any }> {
  const events: Array<{ type: string; data: any }> = []
  createParser({ onEvent: (e) => events.push({ type: e.event ?? 'message', data: JSON.parse(e.data) }) }).feed(sse)
  return events
}

const doneIn = (c: Client) => expect.poll(() => c.sse().includes('event: done'), { timeout: 30_000, interval: 50 }).toBe(true)

/** Connects and starts a long answer for session `name`; resolves once its first text event has come. */
async function longAnswerStarted(name: string): Promise<{ c: Client; id: string }> {
  const c = await connect()
  const id = session(name)
  c.ws.send(JSON.stringify({ action: 'invoke', prompt: 'A long essay words:5000', sessionId: id }))
  await expect.poll(() => c.sse().includes('event: text'), { timeout: 30_000, interval: 20 }).toBe(true)
  return { c, id }
}

describe('websocket path through the local cloud', () => {
  it('answers in coalesced posts: meta first, text, done last, far fewer posts than events; a second turn remembers the first', async () => {
    const c = await connect()
    const id = session('turns')
    c.ws.send(JSON.stringify({ action: 'invoke', prompt: 'Tell me about rivers 日本語 🎉 words:300', sessionId: id }))
    await doneIn(c)
    const events = eventsOf(c.sse())
    expect(events[0]).toMatchObject({ type: 'meta', data: { sessionId: id } })
    expect(events.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })
    const texts = events.filter((e) => e.type === 'text')
    expect(texts.length).toBeGreaterThan(100)
    expect(texts.map((e) => e.data.text).join('')).toContain('日本語 🎉')
    // Coalescing: 8 KB / 50 ms batches, not one post per event.
    expect(c.messages).toBeLessThan(texts.length / 3)

    const before = c.sse().length
    c.ws.send(JSON.stringify({ action: 'invoke', prompt: 'And what did I ask before?', sessionId: id }))
    await expect.poll(() => c.sse().slice(before).includes('event: done'), { timeout: 30_000, interval: 50 }).toBe(true)
    const second = eventsOf(c.sse().slice(before)).filter((e) => e.type === 'text').map((e) => e.data.text).join('')
    expect(second).toContain('Tell me about rivers')
    c.ws.close()
  })

  it('the cancel action stops the running answer: the agent turn ends cancelled, and the reply says how', async () => {
    const { c, id } = await longAnswerStarted('cancel')
    c.ws.send(JSON.stringify({ action: 'cancel', sessionId: id }))
    await doneIn(c)
    expect(eventsOf(c.sse()).at(-1)).toEqual({ type: 'done', data: { stopReason: 'cancelled' } })
    // The cancel route's reply may come after the answer's done (two invocations, one connection).
    await expect.poll(() => c.json, { timeout: 10_000 }).toContainEqual({ cancelled: true, method: 'signal' })
    expect(cloud.agent.sessions.peek(id)?.turn?.cancelled).toBe(true)
    c.ws.close()
  })

  it('a cancel with nothing running is answered {"cancelled": false}, as the HTTP paths answer 404', async () => {
    const c = await connect()
    c.ws.send(JSON.stringify({ action: 'cancel', sessionId: session('idle') }))
    await expect.poll(() => c.json, { timeout: 15_000 }).toContainEqual({ cancelled: false })
    c.ws.close()
  })

  it('a client that leaves mid-answer: the next post gets GoneException and the function stops the agent’s turn', async () => {
    const { c, id } = await longAnswerStarted('gone')
    c.ws.close()
    await expect.poll(() => cloud.agent.sessions.peek(id)?.turn?.cancelled, { timeout: 15_000, interval: 50 }).toBe(true)
  })

  it('a bad request is answered with error and done events on the connection, and no agent call', async () => {
    const c = await connect()
    c.ws.send(JSON.stringify({ action: 'invoke', prompt: '   ', sessionId: session('bad') }))
    await doneIn(c)
    const events = eventsOf(c.sse())
    expect(events.map((e) => e.type)).toEqual(['error', 'done'])
    expect(events[0]!.data).toMatchObject({ code: 'prompt_required', retryable: false })
    expect(cloud.agentCore.events).not.toContainEqual(expect.objectContaining({ sessionId: session('bad') }))
    c.ws.close()
  })
})
