/**
 * Maps one agent SSE message (its `event:` name and decoded `data:`) to the project's events.
 *
 * This project's agent sends the protocol's events itself (`event: text` + `{"text"}` …): they pass
 * through as they are (aws/lambda/own-events.ts). The rest of this module is for agents written by
 * others, and every format it maps was recorded from the framework that sends it
 * (aws/lambda/fixtures/, README there):
 *
 * - Python BedrockAgentCoreApp yielding strings: `data: "Hi"` (a JSON string literal)
 * - Python BedrockAgentCoreApp yielding Strands' stream_async events as they are: raw model events,
 *   `{"event":{"contentBlockDelta":{"delta":{"text":"..."}}}}`, toolUse blocks (start, input, stop), messageStop,
 *   metadata usage, tool results in `{"message":{...toolResult}}`; the events that hold Python objects
 *   (the agent, a UUID, the final AgentResult) fail json.dumps and the framework falls back to str():
 *   `data: "{'data': 'Hi', 'delta': {...}, 'agent': <strands.agent.agent.Agent object at 0x...>, ...}"`.
 *   Those strings are not text (the raw event carries it); the final
 *   `"{'result': AgentResult(stop_reason='cancelled', ..."` is the only place a cancelled turn says so
 * - TypeScript BedrockAgentCoreApp yielding strings: `data: Hi` (raw text, not JSON; a string that is
 *   itself JSON cannot be told from an object, and is read as one)
 * - TypeScript BedrockAgentCoreApp yielding a Strands Agent's stream() events as they are:
 *   `{"type":"modelStreamUpdateEvent","event":{"type":"modelContentBlockDeltaEvent",...}}`, the agent's
 *   lifecycle events, a tool's `toolResultEvent`, and the final `{"type":"agentResultEvent","result":{"stopReason":...}}`
 * - failures: `{"error":...,"error_type":...,"message":...}` (Python), `event: error` + `{"error":...}` (TypeScript)
 *
 * Anything else is skipped and reported to `onSkip` (by shape, never by content).
 */
import type { ErrorCode, StopReason, StreamEvent } from '../../protocol/events'
import { isToolUse, toStopReason } from '../agent/stop-reason'
import { ownEvent } from './own-events'

export interface AgentEventMapper {
  /** The events one agent message yields (often none). */
  map(eventName: string | undefined, data: string): StreamEvent[]
  /** The stop reason the agent reported, if any (the Lambda's final `done` carries it). */
  readonly stopReason: StopReason | undefined
  /** The agent reported a failure. */
  readonly failed: boolean
}

export const AGENT_ERROR_MESSAGE = 'The agent failed while answering.'

// Keys of Strands' (Python) lifecycle events that are JSON (the others arrive as reprs): known, nothing to send.
const STRANDS_LIFECYCLE = ['init_event_loop', 'start', 'start_event_loop', 'force_stop']
// Strands TypeScript agent events other than the model's stream: known, nothing to send.
const STRANDS_TS_LIFECYCLE = new Set(['beforeInvocationEvent', 'afterInvocationEvent', 'messageAddedEvent', 'beforeModelCallEvent', 'afterModelCallEvent', 'modelMessageEvent', 'contentBlockEvent', 'beforeToolCallEvent', 'afterToolCallEvent', 'beforeToolsEvent', 'afterToolsEvent', 'toolStreamUpdateEvent'])

// str() of a dict holding Python objects, as bedrock-agentcore's _safe_serialize_to_json_string falls
// back to: a dict repr that names an object (`<... object at 0x...>`), a UUID or an AgentResult. A model's
// text chunk would have to be all of a dict repr and name one of those to be mistaken for it.
const PYTHON_REPR_START = /^\{'[A-Za-z_]+': /
const PYTHON_OBJECT = / object at 0x[0-9a-f]+>|UUID\('|AgentResult\(/
const isPythonRepr = (s: string) => PYTHON_REPR_START.test(s) && s.endsWith('}') && PYTHON_OBJECT.test(s)
const AGENT_RESULT = /^\{'result': AgentResult\(stop_reason='([a-z_]+)'/

export function createAgentEventMapper(onSkip: (shape: string) => void = () => {}): AgentEventMapper {
  let stopReason: StopReason | undefined
  let failed = false
  const toolNames = new Map<string, string>()

  const fail = (): StreamEvent[] => {
    failed = true
    return [{ type: 'error', data: { code: 'agent_error', message: AGENT_ERROR_MESSAGE, retryable: false } }]
  }
  const text = (t: unknown): StreamEvent[] => (typeof t === 'string' && t !== '' ? [{ type: 'text', data: { text: t } }] : [])
  const toolStart = (name: unknown, id: unknown, input?: unknown): StreamEvent[] => {
    const data = {
      name: typeof name === 'string' ? name : 'tool',
      status: 'start' as const,
      ...(typeof id === 'string' ? { id } : {}),
      ...(input !== undefined ? { input } : {}),
    }
    if (data.id) toolNames.set(data.id, data.name)
    return [{ type: 'tool', data }]
  }
  // A model's toolUse block: its start names the tool, its deltas carry the input as JSON text, its
  // stop ends it. The tool's `start` is sent when the block ends, with the whole input (the tool runs
  // only after the model's message anyway), so the page shows each call's input as our agent's
  // events give it; a message other than the block's input also ends it (see map).
  let toolBlock: { name: unknown; id: unknown; input: string } | undefined
  const toolBlockStart = (name: unknown, id: unknown): StreamEvent[] => {
    const previous = blockStop()
    toolBlock = { name, id, input: '' }
    // Known from here on: a result that comes before the block's end still gets the tool's name.
    if (typeof id === 'string') toolNames.set(id, typeof name === 'string' ? name : 'tool')
    return previous
  }
  const toolBlockInput = (input: unknown): StreamEvent[] => {
    if (toolBlock && typeof input === 'string') toolBlock.input += input
    return []
  }
  const blockStop = (): StreamEvent[] => {
    const block = toolBlock
    toolBlock = undefined
    return block ? toolStart(block.name, block.id, parseInput(block.input)) : []
  }
  const stopped = (reason: unknown): StreamEvent[] => {
    // A tool use ends a model turn inside the agent loop, not the answer.
    if (!isToolUse(reason)) stopReason = toStopReason(reason)
    return []
  }

  const strandsRaw = (e: Record<string, unknown>): StreamEvent[] | undefined => {
    const delta = obj(obj(e.contentBlockDelta)?.delta)
    if (delta) return delta.toolUse ? toolBlockInput(obj(delta.toolUse)?.input) : text(delta.text)
    const toolUse = obj(obj(obj(e.contentBlockStart)?.start)?.toolUse)
    if (toolUse) return toolBlockStart(toolUse.name, toolUse.toolUseId)
    if ('contentBlockStop' in e) return blockStop()
    const stop = obj(e.messageStop)
    if (stop) return stopped(stop.stopReason)
    const meta = obj(e.metadata)
    if (meta) {
      const u = obj(meta.usage)
      return usage(u?.inputTokens, u?.outputTokens, obj(meta.metrics)?.latencyMs)
    }
    // contentBlockStart without toolUse opens a text block (the Python offline model sends it).
    if ('messageStart' in e || 'contentBlockStart' in e || 'redactContent' in e) return []
    return undefined
  }

  const strandsToolResults = (m: Record<string, unknown>): StreamEvent[] | undefined => {
    if (!Array.isArray(m.content)) return undefined
    const out: StreamEvent[] = []
    for (const block of m.content) {
      const result = obj(obj(block)?.toolResult)
      const id = result?.toolUseId
      if (typeof id !== 'string') continue
      const text = toolResultText(result!.content)
      out.push({
        type: 'tool',
        data: { name: toolNames.get(id) ?? 'tool', status: result!.status === 'error' ? 'error' : 'end', id, ...(text !== undefined ? { result: text } : {}) },
      })
    }
    return out
  }

  const strandsTsModel = (v: Record<string, unknown>): StreamEvent[] | undefined => {
    switch (v.type) {
      case 'modelContentBlockDeltaEvent': {
        const d = obj(v.delta)
        return d?.type === 'textDelta' ? text(d.text) : d?.type === 'toolUseInputDelta' ? toolBlockInput(d.input) : []
      }
      case 'modelContentBlockStartEvent': {
        const s = obj(v.start)
        return s?.type === 'toolUseStart' ? toolBlockStart(s.name, s.toolUseId) : []
      }
      case 'modelContentBlockStopEvent':
        return blockStop()
      case 'modelMessageStopEvent':
        return stopped(v.stopReason)
      case 'modelMetadataEvent': {
        const u = obj(v.usage)
        return usage(u?.inputTokens, u?.outputTokens, obj(v.metrics)?.latencyMs)
      }
      case 'modelMessageStartEvent':
        return []
      default:
        return undefined
    }
  }

  const strandsTs = (v: Record<string, unknown>): StreamEvent[] | undefined => {
    if (v.type === 'modelStreamUpdateEvent') {
      const inner = obj(v.event)
      return inner ? strandsTsModel(inner) : undefined
    }
    // The agent's result: the only place a cancelled turn says so.
    if (v.type === 'agentResultEvent') return failed ? [] : stopped(obj(v.result)?.stopReason)
    if (v.type === 'toolResultEvent') {
      const result = obj(obj(v.result)?.toolResult)
      if (typeof result?.toolUseId !== 'string') return undefined
      const id = result.toolUseId
      const text = toolResultText(result.content)
      return [{ type: 'tool', data: { name: toolNames.get(id) ?? 'tool', status: result.status === 'error' ? 'error' : 'end', id, ...(text !== undefined ? { result: text } : {}) } }]
    }
    return typeof v.type === 'string' && STRANDS_TS_LIFECYCLE.has(v.type) ? [] : undefined
  }

  const pythonRepr = (s: string): StreamEvent[] | undefined => {
    if (!isPythonRepr(s)) return undefined
    const result = AGENT_RESULT.exec(s)
    if (result && !failed) stopped(result[1])
    return []
  }

  const value = (v: unknown): StreamEvent[] | undefined => {
    if (typeof v === 'string') return pythonRepr(v) ?? text(v)
    const o = obj(v)
    if (!o) return undefined
    if (typeof o.type === 'string') return strandsTs(o)
    if ('error' in o || 'error_type' in o) return fail()
    if (obj(o.event)) return strandsRaw(o.event as Record<string, unknown>)
    const message = obj(o.message)
    if (message) return message.role === 'user' ? strandsToolResults(message) : []
    if (Object.keys(o).some((k) => STRANDS_LIFECYCLE.includes(k))) return []
    return undefined
  }

  return {
    map(eventName, data) {
      if (data === '' || data === '[DONE]') return []
      const open = toolBlock
      const events = mapMessage(eventName, data)
      // A toolUse block still open when a later message gives events (a stream that leaves out
      // contentBlockStop): its start goes before them. Messages that give none (a Python repr of the
      // same delta, lifecycle events) leave it open, and so does its own input (which gives none); its
      // stop or the next block's start has replaced it.
      return open && toolBlock === open && events.length > 0 ? [...blockStop(), ...events] : events
    },
    get stopReason() {
      return stopReason
    },
    get failed() {
      return failed
    },
  }

  function mapMessage(eventName: string | undefined, data: string): StreamEvent[] {
    let parsed: unknown
    try {
      parsed = JSON.parse(data)
    } catch {
      // Not JSON: the TypeScript framework sends a yielded string as it is.
      return eventName === 'error' ? fail() : text(data)
    }
    const own = ownEvent(eventName, parsed)
    if (own) {
      if ('done' in own) stopReason = own.done
      if ('event' in own && own.event.type === 'error') failed = true
      return 'event' in own ? [own.event] : []
    }
    // The TypeScript framework's own failure frame; its message may hold internals.
    if (eventName === 'error') return fail()
    const events = value(parsed)
    if (events === undefined) {
      onSkip(eventName && eventName !== 'message' ? `event:${eventName} ${shapeOf(parsed)}` : shapeOf(parsed))
      return []
    }
    return events
  }
}

/** A toolUse block's input: the JSON its deltas spelled out, or the text itself when it is not JSON (nothing when empty). */
function parseInput(input: string): unknown {
  if (input === '') return undefined
  try {
    return JSON.parse(input)
  } catch {
    return input
  }
}

/** As many characters of a tool result as the TypeScript agent sends (aws/agent/tool-events.ts). */
const MAX_TOOL_RESULT_CHARS = 2000

/** A Strands toolResult's content as text: text blocks as they are, JSON blocks serialized. */
function toolResultText(content: unknown): string | undefined {
  if (!Array.isArray(content)) return undefined
  const parts = content.flatMap((block) => {
    const b = obj(block)
    if (typeof b?.text === 'string') return [b.text]
    if (b && 'json' in b) return [JSON.stringify(b.json)]
    return []
  })
  return parts.length ? parts.join('\n').slice(0, MAX_TOOL_RESULT_CHARS) : undefined
}

function usage(inputTokens: unknown, outputTokens: unknown, latencyMs: unknown): StreamEvent[] {
  const data: { inputTokens?: number; outputTokens?: number; latencyMs?: number } = {}
  if (isCount(inputTokens)) data.inputTokens = inputTokens
  if (isCount(outputTokens)) data.outputTokens = outputTokens
  if (isCount(latencyMs)) data.latencyMs = latencyMs
  return Object.keys(data).length ? [{ type: 'usage', data }] : []
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0
const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined

/** A description of a value's shape for logs: type and top-level keys, never the content. */
function shapeOf(v: unknown): string {
  const o = obj(v)
  if (o) return `object{${Object.keys(o).sort().slice(0, 10).join(',')}}`
  return Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v
}
