/**
 * Maps one agent SSE message (its `event:` name and decoded `data:`) to the project's events. Agents of
 * ours and other people's are accepted (see DESIGN.md, "The Lambda is the adapter"):
 *
 * - ours: {type:'text',text} | {type:'tool',name,status,id?,input?,result?} | {type:'usage',...} | {type:'done',stopReason} | {type:'error',...}
 * - a Python BedrockAgentCoreApp yielding strings: `data: "Hi"` (a JSON string literal)
 * - a Python BedrockAgentCoreApp yielding Strands' stream_async events as they are: the events that
 *   hold Python objects (the agent, a UUID, the final AgentResult) fail json.dumps, and the framework
 *   falls back to str(): `data: "{'data': 'Hi', 'delta': {...}, 'agent': <strands.agent.agent.Agent
 *   object at 0x...>, ...}"`. Those strings are not text (their JSON twin carries it); the final
 *   `"{'result': AgentResult(stop_reason='cancelled', ..."` is the only place a cancelled turn says so
 *   (recorded: aws/lambda/fixtures/python-bedrock-agentcore/)
 * - the TS bedrock-agentcore SDK yielding strings: `data: Hi` (raw text, not JSON)
 * - {data: ...} wrappers (unwrapped recursively)
 * - Strands (Python) raw model events: {"event":{"contentBlockDelta":{"delta":{"text":"..."}}}},
 *   contentBlockStart toolUse, messageStop, metadata usage; tool results in {"message":{...toolResult}}
 * - Strands' derived callback events ({"data":"Hi","delta":{...},...}) only when the stream has no raw
 *   events (a Strands agent yielding everything sends both; counting both would double the text)
 * - Strands (TypeScript) model events: {type:'modelContentBlockDeltaEvent',delta:{type:'textDelta',text}} etc.
 * - failures: {"error":...,"error_type":...,"message":...} (Python), `event: error` + {"error":...} (TS)
 *
 * Anything else is skipped and reported to `onSkip` (by shape, never by content).
 */
import type { ErrorCode, StopReason, StreamEvent } from '../../protocol/events'

export interface AgentEventMapper {
  /** The events one agent message yields (often none). */
  map(eventName: string | undefined, data: string): StreamEvent[]
  /** The stop reason the agent reported, if any (the Lambda's final `done` carries it). */
  readonly stopReason: StopReason | undefined
  /** The agent reported a failure. */
  readonly failed: boolean
}

export const AGENT_ERROR_MESSAGE = 'The agent failed while answering.'

const ERROR_CODES = new Set<ErrorCode>(['agent_error', 'agent_unavailable', 'upstream_timeout', 'internal_error'])
// Keys of Strands' derived (callback) events: known, and not worth a warning each.
const STRANDS_DERIVED = ['delta', 'current_tool_use', 'agent', 'event_loop_cycle_id', 'init_event_loop', 'start', 'start_event_loop', 'complete', 'force_stop', 'result', 'reasoning', 'reasoningText', 'callback_handler', 'request_state']

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
  let sawRawStrands = false
  const toolNames = new Map<string, string>()

  const fail = (message = AGENT_ERROR_MESSAGE, code: ErrorCode = 'agent_error', retryable = false): StreamEvent[] => {
    failed = true
    return [{ type: 'error', data: { code, message, retryable } }]
  }
  const text = (t: unknown): StreamEvent[] => (typeof t === 'string' && t !== '' ? [{ type: 'text', data: { text: t } }] : [])

  const ours = (v: Record<string, unknown>): StreamEvent[] | undefined => {
    switch (v.type) {
      case 'text':
        return text(v.text)
      case 'tool':
        if (typeof v.name !== 'string' || (v.status !== 'start' && v.status !== 'end' && v.status !== 'error')) return undefined
        return [
          {
            type: 'tool',
            data: {
              name: v.name,
              status: v.status,
              ...(typeof v.id === 'string' ? { id: v.id } : {}),
              ...(v.input !== undefined ? { input: v.input } : {}),
              ...(typeof v.result === 'string' ? { result: v.result } : {}),
            },
          },
        ]
      case 'usage':
        return usage(v.inputTokens, v.outputTokens, v.latencyMs)
      case 'done':
        stopReason = toStopReason(v.stopReason) ?? 'end_turn'
        return []
      case 'error': {
        const code = typeof v.code === 'string' && ERROR_CODES.has(v.code as ErrorCode) ? (v.code as ErrorCode) : 'agent_error'
        // Our agent writes client-safe messages; anything else gets the generic one.
        const message = typeof v.message === 'string' && v.message.length <= 500 ? v.message : AGENT_ERROR_MESSAGE
        return fail(message, code, v.retryable === true)
      }
      default:
        return undefined
    }
  }

  const strandsRaw = (e: Record<string, unknown>): StreamEvent[] | undefined => {
    sawRawStrands = true
    const delta = obj(obj(e.contentBlockDelta)?.delta)
    if (delta) return text(delta.text)
    const toolUse = obj(obj(obj(e.contentBlockStart)?.start)?.toolUse)
    if (toolUse) {
      const name = typeof toolUse.name === 'string' ? toolUse.name : 'tool'
      const id = typeof toolUse.toolUseId === 'string' ? toolUse.toolUseId : undefined
      if (id) toolNames.set(id, name)
      return [{ type: 'tool', data: { name, status: 'start', ...(id ? { id } : {}) } }]
    }
    const stop = obj(e.messageStop)
    if (stop) {
      // tool_use ends a model turn inside the agent loop, not the answer.
      if (stop.stopReason !== 'tool_use') stopReason = toStopReason(stop.stopReason) ?? 'end_turn'
      return []
    }
    const meta = obj(e.metadata)
    if (meta) {
      const u = obj(meta.usage)
      return usage(u?.inputTokens, u?.outputTokens, obj(meta.metrics)?.latencyMs)
    }
    // contentBlockStart without toolUse opens a text block (the Python offline model sends it).
    if ('messageStart' in e || 'contentBlockStart' in e || 'contentBlockStop' in e || 'redactContent' in e) return []
    return undefined
  }

  const strandsToolResults = (m: Record<string, unknown>): StreamEvent[] | undefined => {
    if (!Array.isArray(m.content)) return undefined
    const out: StreamEvent[] = []
    for (const block of m.content) {
      const id = obj(obj(block)?.toolResult)?.toolUseId
      if (typeof id === 'string') out.push({ type: 'tool', data: { name: toolNames.get(id) ?? 'tool', status: 'end', id } })
    }
    return out
  }

  const strandsTs = (v: Record<string, unknown>): StreamEvent[] | undefined => {
    switch (v.type) {
      case 'modelContentBlockDeltaEvent': {
        const d = obj(v.delta)
        return d?.type === 'textDelta' ? text(d.text) : []
      }
      case 'modelContentBlockStartEvent': {
        const s = obj(v.start)
        if (s?.type !== 'toolUseStart' || typeof s.name !== 'string') return []
        return [{ type: 'tool', data: { name: s.name, status: 'start', ...(typeof s.toolUseId === 'string' ? { id: s.toolUseId } : {}) } }]
      }
      case 'modelMessageStopEvent':
        if (v.stopReason !== 'toolUse') stopReason = toStopReason(v.stopReason) ?? 'end_turn'
        return []
      case 'modelMetadataEvent': {
        const u = obj(v.usage)
        return usage(u?.inputTokens, u?.outputTokens, obj(v.metrics)?.latencyMs)
      }
      case 'modelMessageStartEvent':
      case 'modelContentBlockStopEvent':
        return []
      default:
        return undefined
    }
  }

  const pythonRepr = (s: string): StreamEvent[] | undefined => {
    if (!isPythonRepr(s)) return undefined
    const result = AGENT_RESULT.exec(s)
    if (result && !failed) stopReason = toStopReason(result[1]) ?? stopReason
    return []
  }

  const value = (v: unknown, depth: number): StreamEvent[] | undefined => {
    if (typeof v === 'string') return pythonRepr(v) ?? text(v)
    const o = obj(v)
    if (!o || depth > 8) return undefined
    if (typeof o.type === 'string') return ours(o) ?? strandsTs(o)
    if ('error' in o || 'error_type' in o) return fail()
    const keys = Object.keys(o)
    // {data: X} (an SSE-message-like wrapper) → X
    if ('data' in o && keys.every((k) => k === 'data' || k === 'event' || k === 'id' || k === 'retry')) return value(o.data, depth + 1)
    if (obj(o.event)) return strandsRaw(o.event as Record<string, unknown>)
    if (obj(o.message)?.role === 'user') return strandsToolResults(o.message as Record<string, unknown>)
    if (keys.some((k) => STRANDS_DERIVED.includes(k)) || obj(o.message)) {
      return !sawRawStrands && typeof o.data === 'string' ? text(o.data) : []
    }
    return undefined
  }

  return {
    map(eventName, data) {
      if (eventName === 'error') return fail()
      if (data === '' || data === '[DONE]') return []
      let parsed: unknown
      try {
        parsed = JSON.parse(data)
      } catch {
        // Not JSON: the TS SDK sends a yielded string as it is.
        return text(data)
      }
      const events = value(parsed, 0)
      if (events === undefined) {
        onSkip(shapeOf(parsed))
        return []
      }
      return events
    },
    get stopReason() {
      return stopReason
    },
    get failed() {
      return failed
    },
  }
}

function usage(inputTokens: unknown, outputTokens: unknown, latencyMs: unknown): StreamEvent[] {
  const data: { inputTokens?: number; outputTokens?: number; latencyMs?: number } = {}
  if (isCount(inputTokens)) data.inputTokens = inputTokens
  if (isCount(outputTokens)) data.outputTokens = outputTokens
  if (isCount(latencyMs)) data.latencyMs = latencyMs
  return Object.keys(data).length ? [{ type: 'usage', data }] : []
}

function toStopReason(r: unknown): StopReason | undefined {
  switch (r) {
    case 'end_turn':
    case 'endTurn':
    case 'stop_sequence':
    case 'stopSequence':
      return 'end_turn'
    case 'max_tokens':
    case 'maxTokens':
      return 'max_tokens'
    case 'cancelled':
      return 'cancelled'
    case 'error':
      return 'error'
    default:
      return undefined
  }
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
