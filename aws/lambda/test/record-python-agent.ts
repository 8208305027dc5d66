/**
 * `npm run record:python-fixtures`: records what the real Python frameworks (bedrock-agentcore's
 * BedrockAgentCoreApp around a Strands Agent, aws/agent-python/agent.py on its offline model) send
 * for each situation the Lambda must handle, byte for byte, into aws/lambda/fixtures/python-bedrock-agentcore/.
 * manifest.json names the package versions and what was sent. The fixtures are plain files: the
 * normalizer's tests on them (aws/lambda/python-fixtures.test.ts) need no Python.
 *
 * Re-record after changing aws/agent-python/requirements.txt, and commit the diff with the lock.
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { ensurePythonEnv } from '../../local/python/env'
import { startPythonAgent, type RunningPythonAgent } from '../../local/python/agent'
import { FIXTURE_PACE, type FixtureManifest, type Recording } from '../fixtures/python-bedrock-agentcore/manifest'

const DIR = fileURLToPath(new URL('../fixtures/python-bedrock-agentcore/', import.meta.url))
const session = (name: string) => `fixture-${name}-`.padEnd(40, '0')

async function invoke(agent: RunningPythonAgent, sessionId: string, payload: object): Promise<{ status: number; contentType: string; body: Buffer }> {
  const res = await fetch(`${agent.url}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-amzn-bedrock-agentcore-runtime-session-id': sessionId },
    body: JSON.stringify(payload),
  })
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) }
}

async function main(): Promise<void> {
  await ensurePythonEnv((l) => console.log(l))
  const agent = await startPythonAgent({ config: { offline: FIXTURE_PACE }, log: (l) => console.log(`[agent] ${l}`) })
  const recordings: Recording[] = []
  const save = async (file: string, sessionId: string, payload: object, what: string, response?: Promise<Awaited<ReturnType<typeof invoke>>>) => {
    const { status, contentType, body } = await (response ?? invoke(agent, sessionId, payload))
    writeFileSync(DIR + file, body)
    recordings.push({ file, sessionId, payload, status, contentType, what })
    console.log(`${file}: ${status} ${contentType}, ${body.length} bytes`)
  }
  try {
    await save('text.sse', session('text'), { prompt: 'How do streams work?' }, 'one turn of plain text')
    await save('multi-turn-1.sse', session('multi'), { prompt: 'First question about rivers' }, 'turn 1 of a session')
    await save('multi-turn-2.sse', session('multi'), { prompt: 'And a second one about lakes' }, 'turn 2 of the same session: the answer recalls turn 1')
    await save('japanese-emoji.sse', session('ja'), { prompt: '日本語で答えてください 🎉 家族👨‍👩‍👧 ありがとう' }, 'Japanese, emoji and a ZWJ sequence')
    await save('tool-use.sse', session('tool'), { prompt: 'Please calculate: (12.5 * 4) / 3' }, 'a tool call: toolUse, the tool runs, its result, then the answer from it')
    await save(
      'tools-several.sse',
      session('tools'),
      { prompt: 'Convert 5 km to mile and calculate 12*7' },
      'two tools asked for in one model message: two toolUse blocks, both results in one message, then one answer from both',
    )
    await save('tool-error.sse', session('tool-error'), { prompt: 'Convert 5 parsec to kilogram' }, 'a tool that fails: an error result, then the answer saying so')
    await save('agent-error.sse', session('error'), { prompt: 'Please fail:model halfway' }, 'the model raises halfway: partial text, then the framework\'s error frame')
    // A long answer, cancelled through the cancel invocation once text flows (what the Lambda's /cancel sends).
    const cancelSession = session('cancel')
    const long = invoke(agent, cancelSession, { prompt: 'Tell me everything words:3000' })
    await new Promise((r) => setTimeout(r, 1_000))
    await save('cancel-reply.sse', cancelSession, { type: 'cancel' }, "the cancel invocation's own answer")
    await save('cancelled.sse', cancelSession, { prompt: 'Tell me everything words:3000' }, 'the turn the cancel invocation ended', long)
    const manifest: FixtureManifest = {
      agent: 'aws/agent-python/agent.py (BedrockAgentCoreApp + Strands Agent, offline model)',
      recordedBy: 'aws/lambda/test/record-python-agent.ts (npm run record:python-fixtures)',
      python: (await import('node:child_process')).execFileSync(agent.process.spawnfile, ['--version']).toString().trim(),
      versions: agent.versions,
      offlinePace: FIXTURE_PACE,
      recordings,
    }
    writeFileSync(DIR + 'manifest.json', JSON.stringify(manifest, null, 2) + '\n')
  } finally {
    await agent.close()
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
