/**
 * Every recording in aws/lambda/fixtures/ (README there) replayed through the normalizer: each folder's
 * manifest lists exactly its recordings, and each answer stream gives the same events at every
 * chunking with no shape left unmapped. What the TypeScript framework's recordings must become is
 * checked here too; the Python ones have their own file (python-fixtures.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { composeAnswer, tokenize } from '../agent/offline-answer'
import { AGENT_ERROR_MESSAGE } from './agent-events'
import type { FixtureManifest, Recording } from './fixtures/manifest'
import { CANCEL_AFTER_TEXT, STRING_YIELDS } from './test/record-ts-agent'
import { normalizeEveryWay, textOf } from './test/replay'

const ROOT = new URL('./fixtures/', import.meta.url)
const folders = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
const manifestOf = (folder: string) => JSON.parse(readFileSync(new URL(`${folder}/manifest.json`, ROOT), 'utf8')) as FixtureManifest
const bytesOf = (folder: string, file: string) => new Uint8Array(readFileSync(new URL(`${folder}/${file}`, ROOT)))
/** An answer stream, as the Lambda reads it (a cancel invocation's own reply is not one: the Lambda does not read it). */
const isAnswer = (r: Recording) => r.payload.type !== 'cancel' && r.status === 200 && r.contentType.startsWith('text/event-stream')

describe('the recorded agent streams (aws/lambda/fixtures/)', () => {
  it('has a folder per framework, with the TypeScript and Python ones among them', () => {
    expect(folders).toEqual(expect.arrayContaining(['python-bedrock-agentcore', 'ts-bedrock-agentcore']))
  })

  describe.each(folders)('%s', (folder) => {
    const manifest = manifestOf(folder)

    it('lists exactly the recordings in its folder, and the versions they were made with', () => {
      const files = readdirSync(new URL(`${folder}/`, ROOT)).filter((f) => f.endsWith('.sse'))
      expect(manifest.recordings.map((r) => r.file).sort()).toEqual(files.sort())
      expect(Object.keys(manifest.versions).length).toBeGreaterThan(0)
      expect(manifest.recordings.filter(isAnswer).length).toBeGreaterThan(0)
    })

    it.each(manifest.recordings.filter(isAnswer).map((r) => [r.file, r.what, r] as const))(
      '%s (%s): the same events at every chunking, nothing unmapped, no text that is not text',
      (_file, _what, recording) => {
        const { events, skipped } = normalizeEveryWay(bytesOf(folder, recording.file))
        expect(skipped).toEqual([])
        // A framework's internals (Python reprs, lifecycle objects) must never reach the user as text.
        expect(textOf(events)).not.toMatch(/ object at 0x|AgentResult\(|"type":"|\{'data': /)
      },
    )
  })
})

describe("the TypeScript framework's recordings → project events", () => {
  const folder = 'ts-bedrock-agentcore'
  const manifest = manifestOf(folder)
  const replay = (file: string) => normalizeEveryWay(bytesOf(folder, file))
  const promptOf = (file: string) => manifest.recordings.find((r) => r.file === file)!.payload.prompt!

  it('were made with the package versions the project installs', () => {
    const installed = (name: string) => (JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version
    for (const name of ['bedrock-agentcore', '@strands-agents/sdk']) {
      expect(manifest.versions[name], `${name}: re-record with npm run record:ts-fixtures`).toBe(installed(name))
    }
  })

  it('yielded strings arrive as raw text (a multi-line one as two data lines) and each is one text event', () => {
    expect(new TextDecoder().decode(bytesOf(folder, 'strings.sse'))).toContain('data: line one\ndata: line two 🎉 \n\n')
    const { events, stopReason, failed } = replay('strings.sse')
    expect(events).toEqual(STRING_YIELDS.map((text) => ({ type: 'text', data: { text } })))
    expect([stopReason, failed]).toEqual([undefined, false])
  })

  it("a failure: the text so far, then the framework's `event: error` as agent_error without internals", () => {
    expect(new TextDecoder().decode(bytesOf(folder, 'error.sse'))).toContain('event: error\ndata: {"error":"internal detail: db password wrong"}')
    const { events, failed } = replay('error.sse')
    expect(events).toEqual([
      { type: 'text', data: { text: 'partial ' } },
      { type: 'error', data: { code: 'agent_error', message: AGENT_ERROR_MESSAGE, retryable: false } },
    ])
    expect(failed).toBe(true)
  })

  it("a Strands agent's stream() events: the answer once, usage, end_turn; its lifecycle events send nothing", () => {
    const raw = new TextDecoder().decode(bytesOf(folder, 'strands-agent.sse'))
    // What makes this stream: model events inside modelStreamUpdateEvent, and the whole answer again in lifecycle events.
    expect(raw).toContain('data: {"type":"modelStreamUpdateEvent","event":{"type":"modelContentBlockDeltaEvent","delta":{"type":"textDelta","text":"**Offline "}}}')
    expect(raw).toMatch(/data: \{"type":"agentResultEvent","result":\{"type":"agentResult","stopReason":"endTurn"/)
    const { events, stopReason, failed } = replay('strands-agent.sse')
    const answer = composeAnswer({ prompt: promptOf('strands-agent.sse'), earlier: [] })
    expect(textOf(events)).toBe(answer)
    expect(events.filter((e) => e.type === 'text')).toHaveLength(tokenize(answer).length)
    const usage = events.filter((e) => e.type === 'usage')
    expect(usage).toHaveLength(1)
    expect(usage[0]).toMatchObject({ data: { outputTokens: tokenize(answer).length } })
    expect([stopReason, failed]).toEqual(['end_turn', false])
  })

  it('a Strands tool call: tool start and end around the answer the model gave from the result', () => {
    expect(new TextDecoder().decode(bytesOf(folder, 'strands-tool.sse'))).toContain('data: {"type":"toolResultEvent","result":{"toolResult":{"toolUseId":"tooluse_offline_1","status":"success"')
    const { events, stopReason } = replay('strands-tool.sse')
    expect(events.filter((e) => e.type === 'tool')).toEqual([
      { type: 'tool', data: { name: 'calculator', status: 'start', id: 'tooluse_offline_1', input: { expression: '6 * 7' } } },
      { type: 'tool', data: { name: 'calculator', status: 'end', id: 'tooluse_offline_1', result: '{"expression":"6 * 7","result":"42"}' } },
    ])
    expect(events.findIndex((e) => e.type === 'text')).toBeGreaterThan(events.findLastIndex((e) => e.type === 'tool'))
    expect(textOf(events)).toContain('**42**')
    // Two model calls: the tool use (its stop reason toolUse does not end the answer) and the answer.
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(2)
    expect(stopReason).toBe('end_turn')
  })

  it('two tools in one model message: each start with its input, each end with its result, both before the one answer from both', () => {
    const { events, stopReason } = replay('strands-tools-several.sse')
    expect(events.filter((e) => e.type === 'tool')).toEqual([
      { type: 'tool', data: { name: 'convert_units', status: 'start', id: 'tooluse_offline_1', input: { value: 5, from: 'km', to: 'mile' } } },
      { type: 'tool', data: { name: 'calculator', status: 'start', id: 'tooluse_offline_1_2', input: { expression: '12*7' } } },
      { type: 'tool', data: { name: 'convert_units', status: 'end', id: 'tooluse_offline_1', result: '{"value":5,"from":"km","to":"mile","result":"3.106856 mile"}' } },
      { type: 'tool', data: { name: 'calculator', status: 'end', id: 'tooluse_offline_1_2', result: '{"expression":"12*7","result":"84"}' } },
    ])
    expect(events.findIndex((e) => e.type === 'text')).toBeGreaterThan(events.findLastIndex((e) => e.type === 'tool'))
    expect(textOf(events)).toMatch(/^\*\*Offline model\*\* — I asked 2 tools at once\.\n\nThe `convert_units` tool .+\*\*3\.106856 mile\*\*\n\nThe `calculator` tool .+\*\*84\*\*\n$/s)
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(2)
    expect(stopReason).toBe('end_turn')
  })

  it('a cancelled Strands turn: the text before the cancel, then stop reason cancelled (from the agent result)', () => {
    const { events, stopReason } = replay('strands-cancelled.sse')
    const tokens = tokenize(composeAnswer({ prompt: promptOf('strands-cancelled.sse'), earlier: [] }))
    expect(textOf(events)).toBe(tokens.slice(0, CANCEL_AFTER_TEXT).join(''))
    expect(stopReason).toBe('cancelled')
  })
})
