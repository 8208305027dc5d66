/**
 * The production model path: Strands' BedrockModel inside the agent, against a local stand-in for the
 * Bedrock Runtime ConverseStream API (AWS is unreachable here). The stand-in speaks the real wire
 * format (HTTP/2, which the SDK's Bedrock Runtime client uses on Node, and
 * application/vnd.amazon.eventstream), so the AWS SDK's own transport, parser and abort run unchanged.
 */
import { createServer, type Http2Server, type Http2ServerRequest, type Http2ServerResponse, type ServerHttp2Session } from 'node:http2'
import type { AddressInfo } from 'node:net'
import { crc32 } from 'node:zlib'
import { BedrockModel } from '@strands-agents/sdk'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startAgent, type RunningAgent } from './app'
import { cancel, frames, historyOf, invoke, newTestSessionId, readAll, rest, take, textOf } from './testing'

const MODEL_ID = 'test.stand-in-model-v1:0'

interface Call {
  path: string
  body: { messages: Array<{ role: string; content: Array<{ text?: string }> }>; system?: Array<{ text?: string }>; inferenceConfig?: { maxTokens?: number } }
  /** Set when the client hung up before the answer was complete. */
  aborted: boolean
}

/** Answers every ConverseStream call with "Bedrock heard: <last user text>" plus `words:N` filler, one word per event. */
class FakeBedrock {
  readonly calls: Call[] = []
  intervalMs = 0
  private sessions = new Set<ServerHttp2Session>()
  private server: Http2Server = createServer((req, res) => void this.handle(req, res)).on('session', (session) => {
    this.sessions.add(session)
    session.once('close', () => this.sessions.delete(session))
  })

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  close(): Promise<void> {
    for (const session of this.sessions) session.destroy()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  private async handle(req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const call: Call = { path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')), aborted: false }
    this.calls.push(call)
    if (!call.path.endsWith('/converse-stream')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'not here' }))
      return
    }
    const lastUser = call.body.messages.at(-1)?.content.map((c) => c.text ?? '').join('') ?? ''
    const filler = Number(/words:(\d+)/.exec(lastUser)?.[1] ?? 0)
    const words = `Bedrock heard: ${lastUser}${' more'.repeat(filler)}`.split(/(?<= )/)
    let finished = false
    res.on('close', () => (call.aborted = !finished))
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' })
    res.write(eventFrame('messageStart', { role: 'assistant' }))
    for (const word of words) {
      if (this.intervalMs) await new Promise((resolve) => setTimeout(resolve, this.intervalMs))
      if (res.stream.destroyed) return
      res.write(eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: word } }))
    }
    res.write(eventFrame('contentBlockStop', { contentBlockIndex: 0 }))
    res.write(eventFrame('messageStop', { stopReason: 'end_turn' }))
    res.write(eventFrame('metadata', { usage: { inputTokens: 11, outputTokens: words.length, totalTokens: 11 + words.length }, metrics: { latencyMs: 5 } }))
    finished = true
    res.end()
  }
}

/**
 * One message of the AWS event stream encoding: prelude (total length, headers length, CRC32),
 * string headers, JSON payload, CRC32 of everything before it. Hand-written because the encoder that
 * ships with the AWS SDK is not one of our declared dependencies; the SDK's decoder checks every byte.
 */
function eventFrame(eventType: string, payload: object): Buffer {
  const headers = Buffer.concat(
    Object.entries({ ':event-type': eventType, ':content-type': 'application/json', ':message-type': 'event' }).map(([name, value]) => {
      const n = Buffer.from(name)
      const v = Buffer.from(value)
      const header = Buffer.alloc(1 + n.length + 1 + 2 + v.length)
      header.writeUInt8(n.length, 0)
      n.copy(header, 1)
      header.writeUInt8(7, 1 + n.length) // 7: string
      header.writeUInt16BE(v.length, 2 + n.length)
      v.copy(header, 4 + n.length)
      return header
    }),
  )
  const body = Buffer.from(JSON.stringify(payload))
  const prelude = Buffer.alloc(12)
  prelude.writeUInt32BE(12 + headers.length + body.length + 4, 0)
  prelude.writeUInt32BE(headers.length, 4)
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8)
  const message = Buffer.concat([prelude, headers, body])
  const trailer = Buffer.alloc(4)
  trailer.writeUInt32BE(crc32(message), 0)
  return Buffer.concat([message, trailer])
}

describe('the agent on Bedrock (BedrockModel against a ConverseStream stand-in)', () => {
  const bedrock = new FakeBedrock()
  let agent: RunningAgent

  beforeAll(async () => {
    const endpoint = await bedrock.start()
    const model = new BedrockModel({
      modelId: MODEL_ID,
      region: 'us-east-1',
      maxTokens: 256,
      clientConfig: { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
    })
    agent = await startAgent({ host: '127.0.0.1', port: 0, env: {}, model, config: { systemPrompt: 'Be brief.', logLevel: 'silent' } })
  })
  afterAll(async () => {
    await agent.close()
    await bedrock.close()
  })

  it('streams Bedrock text as text frames, then usage and done; the second turn sends the first', async () => {
    bedrock.intervalMs = 0
    const session = newTestSessionId()
    const first = await readAll(await invoke(agent.url, session, { prompt: 'hello bedrock' }))
    expect(textOf(first)).toBe('Bedrock heard: hello bedrock')
    expect(first.filter((e) => e.type === 'text').length).toBe(4)
    expect(first.at(-2)).toMatchObject({ type: 'usage', data: { inputTokens: 11, outputTokens: 4 } })
    expect(first.at(-1)).toEqual({ type: 'done', data: { stopReason: 'end_turn' } })

    await readAll(await invoke(agent.url, session, { prompt: 'again' }))
    // ConverseStream is the only Bedrock API the agent calls (IAM: bedrock:InvokeModelWithResponseStream).
    expect(bedrock.calls.map((c) => c.path.split('/').at(-1))).toEqual(['converse-stream', 'converse-stream'])
    const call = bedrock.calls.at(-1)!
    expect(decodeURIComponent(call.path)).toBe(`/model/${MODEL_ID}/converse-stream`)
    expect(call.body.system?.[0]?.text).toBe('Be brief.')
    expect(call.body.inferenceConfig?.maxTokens).toBe(256)
    expect(call.body.messages.map((m) => [m.role, m.content.map((c) => c.text ?? '').join('')])).toEqual([
      ['user', 'hello bedrock'],
      ['assistant', 'Bedrock heard: hello bedrock'],
      ['user', 'again'],
    ])
  })

  it('cancels before the answer ends, aborts the Bedrock request, and keeps the partial answer', async () => {
    bedrock.intervalMs = 50
    const session = newTestSessionId()
    const stream = frames(await invoke(agent.url, session, { prompt: 'go on words:200' }))
    const seen = await take(stream, 3)
    expect(await cancel(agent.url, session)).toEqual({ cancelled: true })
    const tail = await rest(stream)
    expect(tail.at(-1)).toEqual({ type: 'done', data: { stopReason: 'cancelled' } })
    seen.push(...tail.filter((e) => e.type === 'text'))
    // Ended by the cancel: the stand-in streams 200 words, one per 50 ms.
    expect(seen.length).toBeLessThan(200)

    const call = bedrock.calls.at(-1)!
    // Unaborted, the stand-in would stream for 10 s more.
    await vi.waitFor(() => expect(call.aborted).toBe(true), { timeout: 5_000, interval: 20 })
    await agent.sessions.peek(session)?.turn?.finished
    expect(historyOf(agent, session).map((m) => m.text)).toEqual(['go on words:200', textOf(seen)])
  })
})
