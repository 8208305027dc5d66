/**
 * `npm run record:ts-fixtures`: records what AWS's TypeScript frameworks send for agents written with
 * them, byte for byte, into aws/lambda/fixtures/ts-bedrock-agentcore/: bedrock-agentcore's
 * BedrockAgentCoreApp (its @fastify/sse framing) around a generator of plain strings, one that fails
 * halfway, and a Strands Agent (on this project's offline model and tools, aws/agent/offline-model.ts and
 * aws/agent/tools.ts) whose `stream()` events are yielded as they are: an answer, a tool call, a cancel. manifest.json names the
 * package versions and what was sent; aws/lambda/fixtures.test.ts replays the recordings.
 *
 * Re-record after updating bedrock-agentcore or @strands-agents/sdk, and commit the diff with the lock.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Agent } from '@strands-agents/sdk'
import { OfflineModel } from '../../agent/offline-model'
import { createTools } from '../../agent/tools'
import type { FixtureManifest, Recording } from '../fixtures/manifest'
import { invokeAgentCoreApp, type AgentHandler } from './record-agentcore-app'

const DIR = fileURLToPath(new URL('../fixtures/ts-bedrock-agentcore/', import.meta.url))
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const versionOf = (name: string) => (JSON.parse(readFileSync(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version

/**
 * Strings the string agent yields: plain, with a newline (two `data:` lines), multi-byte. (A string
 * that is itself JSON would be sent as it is and read as JSON: the wire cannot tell them apart.)
 */
export const STRING_YIELDS = ['Hello, ', 'line one\nline two 🎉 ', '日本語']
/** How many text deltas the cancelled Strands turn lets through before the cancel. */
export const CANCEL_AFTER_TEXT = 5

type Handler = AgentHandler

/** What one invocation of the real BedrockAgentCoreApp around `handler` answers. */
async function record(handler: Handler, prompt: string): Promise<{ status: number; contentType: string; body: Buffer }> {
  const res = await invokeAgentCoreApp(handler, prompt, 'fixture-ts-'.padEnd(40, '0'))
  return { ...res, body: Buffer.from(res.body) }
}

const strandsAgent = () => new Agent({ model: new OfflineModel({ firstTokenMs: 0, tokensPerSecond: 0 }), printer: false, tools: createTools() })

const handlers: Array<{ file: string; prompt: string; what: string; handler: Handler }> = [
  {
    file: 'strings.sse',
    prompt: 'strings',
    what: 'a generator of plain strings (sent as raw text, not JSON)',
    handler: async function* () {
      yield* STRING_YIELDS
    },
  },
  {
    file: 'error.sse',
    prompt: 'fail',
    what: "a generator that yields a string, then throws: the framework's `event: error` frame",
    handler: async function* () {
      yield 'partial '
      throw new Error('internal detail: db password wrong')
    },
  },
  {
    file: 'strands-agent.sse',
    prompt: 'How do streams work?',
    what: "a Strands Agent on the offline model, every event of agent.stream() yielded as it is",
    handler: (prompt) => strandsAgent().stream(prompt),
  },
  {
    file: 'strands-tool.sse',
    prompt: 'calculate 6 * 7',
    what: 'the same agent calling a tool (the offline model asks for the calculator): toolUse, the result, then the answer',
    handler: (prompt) => strandsAgent().stream(prompt),
  },
  {
    file: 'strands-tools-several.sse',
    prompt: 'Convert 5 km to mile and calculate 12*7',
    what: 'the same agent asked for two tools in one model message: two toolUse blocks, both run concurrently, both results, then one answer',
    handler: (prompt) => strandsAgent().stream(prompt),
  },
  {
    file: 'strands-cancelled.sse',
    prompt: 'Tell me everything words:400',
    what: `the same, cancelled through agent.cancel() after ${CANCEL_AFTER_TEXT} text deltas`,
    handler: async function* (prompt) {
      const agent = strandsAgent()
      let texts = 0
      for await (const event of agent.stream(prompt)) {
        yield event
        if (event.type === 'modelStreamUpdateEvent' && event.event.type === 'modelContentBlockDeltaEvent' && ++texts === CANCEL_AFTER_TEXT) agent.cancel()
      }
    },
  },
]

async function main(): Promise<void> {
  const recordings: Recording[] = []
  for (const { file, prompt, what, handler } of handlers) {
    const { status, contentType, body } = await record(handler, prompt)
    writeFileSync(DIR + file, body)
    recordings.push({ file, sessionId: 'fixture-ts-'.padEnd(40, '0'), payload: { prompt }, status, contentType, what })
    console.log(`${file}: ${status} ${contentType}, ${body.length} bytes`)
  }
  const manifest: FixtureManifest = {
    agent: 'aws/lambda/test/record-ts-agent.ts (BedrockAgentCoreApp around strings, a failure, and a Strands Agent on aws/agent/offline-model.ts)',
    recordedBy: 'aws/lambda/test/record-ts-agent.ts (npm run record:ts-fixtures)',
    runtime: `Node ${process.version}`,
    versions: { 'bedrock-agentcore': versionOf('bedrock-agentcore'), '@strands-agents/sdk': versionOf('@strands-agents/sdk') },
    recordings,
  }
  writeFileSync(DIR + 'manifest.json', JSON.stringify(manifest, null, 2) + '\n')
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
