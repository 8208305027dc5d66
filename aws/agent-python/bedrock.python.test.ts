/**
 * The Python agent with AGENT_MODEL_ID set: Strands' BedrockModel (boto3's bedrock-runtime client,
 * converse_stream) against a local stand-in for Bedrock Runtime's ConverseStream (AWS is unreachable
 * here), pointed at by AWS_ENDPOINT_URL_BEDROCK_RUNTIME. The stand-in answers in the real wire format,
 * application/vnd.amazon.eventstream frames encoded by @smithy/eventstream-codec, so boto3's own
 * parser runs unchanged.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EventStreamCodec } from '@smithy/eventstream-codec'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAgentStreamNormalizer } from '../lambda/agent-stream'
import { startPythonAgent, type RunningPythonAgent } from '../local/python/agent'

const MODEL_ID = 'test.stand-in-model-v1:0'
const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
)
const frame = (eventType: string, payload: object) =>
  codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: new TextEncoder().encode(JSON.stringify(payload)),
  })

interface Call {
  path: string
  body: { messages: Array<{ role: string; content: Array<{ text?: string }> }>; system?: Array<{ text?: string }> }
  authorization: string
}

const calls: Call[] = []
let bedrock: Server
let agent: RunningPythonAgent

beforeAll(async () => {
  bedrock = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    calls.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')), authorization: String(req.headers.authorization ?? '') })
    const lastUser = calls.at(-1)!.body.messages.at(-1)?.content.map((c) => c.text ?? '').join('') ?? ''
    res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream' })
    res.write(frame('messageStart', { role: 'assistant' }))
    for (const word of `Bedrock heard: ${lastUser}`.split(/(?<= )/)) {
      res.write(frame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: word } }))
    }
    res.write(frame('contentBlockStop', { contentBlockIndex: 0 }))
    res.write(frame('messageStop', { stopReason: 'end_turn' }))
    res.end(frame('metadata', { usage: { inputTokens: 11, outputTokens: 7, totalTokens: 18 }, metrics: { latencyMs: 5 } }))
  })
  await new Promise<void>((resolve) => bedrock.listen(0, '127.0.0.1', resolve))
  agent = await startPythonAgent({
    config: { modelId: MODEL_ID, region: 'us-east-1' },
    env: {
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: `http://127.0.0.1:${(bedrock.address() as AddressInfo).port}`,
      AWS_ACCESS_KEY_ID: 'LOCALACCESSKEY000000',
      AWS_SECRET_ACCESS_KEY: 'local-secret-access-key',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_MAX_ATTEMPTS: '1',
    },
  })
})
afterAll(async () => {
  await agent?.close()
  await new Promise((resolve) => bedrock?.close(resolve))
})

async function ask(sessionId: string, prompt: string) {
  const res = await fetch(`${agent.url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-amzn-bedrock-agentcore-runtime-session-id': sessionId },
    body: JSON.stringify({ prompt }),
  })
  const n = createAgentStreamNormalizer()
  const events = n.push(new Uint8Array(await res.arrayBuffer()))
  events.push(...n.end())
  return { text: events.flatMap((e) => (e.type === 'text' ? [e.data.text] : [])).join(''), events, stopReason: n.mapper.stopReason }
}

describe('the Python agent on Bedrock (AGENT_MODEL_ID set)', () => {
  it('calls ConverseStream for the configured model, signed, with the system prompt, and streams its answer', async () => {
    expect(agent.model).toBe(MODEL_ID)
    const { text, events, stopReason } = await ask('bedrock-python-session-'.padEnd(40, 'b'), 'Hello 日本 🎉')
    expect(text).toBe('Bedrock heard: Hello 日本 🎉')
    expect(events).toContainEqual({ type: 'usage', data: { inputTokens: 11, outputTokens: 7, latencyMs: 5 } })
    expect(stopReason).toBe('end_turn')
    const call = calls.at(-1)!
    expect(call.path).toBe(`/model/${encodeURIComponent(MODEL_ID)}/converse-stream`)
    expect(call.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=LOCALACCESSKEY000000\/\d{8}\/us-east-1\/bedrock\/aws4_request/)
    expect(call.body.system?.[0]?.text).toMatch(/helpful assistant/)
    // The agent offers its tools to the model.
    expect(JSON.stringify(call.body)).toContain('"convert_units"')
  })

  it('sends the earlier turn with the next one (the session keeps its history)', async () => {
    const session = 'bedrock-python-multi-'.padEnd(40, 'm')
    await ask(session, 'First question')
    await ask(session, 'Second question')
    expect(calls.at(-1)!.body.messages.map((m) => [m.role, m.content.map((c) => c.text).join('')])).toEqual([
      ['user', 'First question'],
      ['assistant', 'Bedrock heard: First question'],
      ['user', 'Second question'],
    ])
  })
})
